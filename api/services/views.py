from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from api.auth.deps import Operator, require
from api.contract import Goal, ReferralTarget, Role
from api.kit.deps import SessionDep
from api.kit.errors import not_found, responses
from api.services import service
from api.services.models import DirectoryOrganisation, DirectoryService
from api.services.schemas import (
    OrganisationRead,
    OrganisationUpdate,
    ServiceRead,
    ServiceUpdate,
)

router = APIRouter(tags=["service directory"])

# The assistant reads referral details from here, so the bot may read too.
Reader = require(Role.bot, Role.case_manager, Role.coordinator, Role.operator, Role.admin)
EntryId = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


def _contact(entry) -> dict:
    return {"email": entry.email, "phone": entry.phone, "url": entry.url, "address": entry.address}


def _service(entry: DirectoryService) -> ServiceRead:
    return ServiceRead(
        id=entry.id,
        organisation_id=entry.organisation_id,
        organisation_name=entry.organisation.name,
        name=entry.name,
        description=entry.description,
        referral_target=entry.referral_target,
        goals=entry.goals,
        eligibility=entry.eligibility,
        minimum_age=entry.minimum_age,
        maximum_age=entry.maximum_age,
        languages=entry.languages,
        service_area=entry.service_area,
        application_process=entry.application_process,
        contact=_contact(entry),
        needs_operator_review=entry.needs_operator_review,
        last_verified=entry.last_verified,
        updated_at=entry.updated_at,
        updated_by=entry.updated_by,
    )


def _organisation(entry: DirectoryOrganisation) -> OrganisationRead:
    return OrganisationRead(
        id=entry.id,
        name=entry.name,
        description=entry.description,
        contact=_contact(entry),
        needs_operator_review=entry.needs_operator_review,
        last_verified=entry.last_verified,
        updated_at=entry.updated_at,
        updated_by=entry.updated_by,
    )


@router.get("/api/services", response_model=list[ServiceRead], responses=responses(403, 422))
def list_services(
    session: SessionDep,
    _reader: Reader,
    referral_target: ReferralTarget | None = None,
    goal: Goal | None = None,
    needs_operator_review: bool | None = None,
) -> list[ServiceRead]:
    query = select(DirectoryService).options(selectinload(DirectoryService.organisation))
    if referral_target:
        query = query.where(DirectoryService.referral_target == referral_target.value)
    if needs_operator_review is not None:
        query = query.where(DirectoryService.needs_operator_review == needs_operator_review)
    entries = session.scalars(query.order_by(DirectoryService.id)).all()
    if goal:  # goals are a short JSON list; filtering here works on every database
        entries = [e for e in entries if goal.value in e.goals]
    return [_service(e) for e in entries]


@router.get("/api/services/{service_id}", response_model=ServiceRead, responses=responses(403, 404, 422))
def read_service(session: SessionDep, _reader: Reader, service_id: EntryId) -> ServiceRead:
    entry = session.get(DirectoryService, service_id)
    if entry is None:
        raise not_found("service not found")
    return _service(entry)


@router.patch("/api/services/{service_id}", response_model=ServiceRead, responses=responses(403, 404, 422))
def update_service(
    session: SessionDep, operator: Operator, service_id: EntryId, body: ServiceUpdate
) -> ServiceRead:
    entry = session.get(DirectoryService, service_id)
    if entry is None:
        raise not_found("service not found")
    service.edit(session, entry, body, operator.username)
    return _service(entry)


@router.get("/api/organisations", response_model=list[OrganisationRead], responses=responses(403))
def list_organisations(session: SessionDep, _reader: Reader) -> list[OrganisationRead]:
    entries = session.scalars(select(DirectoryOrganisation).order_by(DirectoryOrganisation.id))
    return [_organisation(e) for e in entries]


@router.patch(
    "/api/organisations/{organisation_id}",
    response_model=OrganisationRead,
    responses=responses(403, 404, 422),
)
def update_organisation(
    session: SessionDep, operator: Operator, organisation_id: EntryId, body: OrganisationUpdate
) -> OrganisationRead:
    entry = session.get(DirectoryOrganisation, organisation_id)
    if entry is None:
        raise not_found("organisation not found")
    service.edit(session, entry, body, operator.username)
    return _organisation(entry)
