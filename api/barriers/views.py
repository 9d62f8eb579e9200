from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy import select

from api.auth.deps import CaseManager, Staff
from api.barriers.catalogue import catalogue
from api.barriers.models import Barrier
from api.barriers.schemas import BarrierCategory, BarrierCreate, BarrierRead
from api.cases import service as cases
from api.kit.deps import SessionDep
from api.kit.errors import responses, unprocessable
from api.services.models import DirectoryService

router = APIRouter(tags=["barriers"])
ERRORS = responses(403, 404, 409, 422)


@router.get("/api/barriers/catalogue", response_model=list[BarrierCategory], responses=responses(403))
def barrier_catalogue(_staff: Staff) -> list[BarrierCategory]:
    return [BarrierCategory(code=code, label=label) for code, label in catalogue().items()]


@router.get("/api/cases/{case_id}/barriers", response_model=list[BarrierRead], responses=ERRORS)
def list_barriers(session: SessionDep, principal: CaseManager, case_id: uuid.UUID) -> list[BarrierRead]:
    case = cases.get_visible(session, principal, case_id)
    rows = session.scalars(select(Barrier).where(Barrier.case_id == case.id).order_by(Barrier.id))
    return [BarrierRead.model_validate(b) for b in rows]


@router.post("/api/cases/{case_id}/barriers", response_model=BarrierRead, status_code=201, responses=ERRORS)
def record_barrier(
    session: SessionDep, principal: CaseManager, case_id: uuid.UUID, body: BarrierCreate
) -> BarrierRead:
    case = cases.get_owned(session, principal, case_id)
    if body.category not in catalogue():
        raise unprocessable(
            ["body", "category"],
            f"unknown barrier category; choose one of: {', '.join(catalogue())}",
        )
    if body.service_id is not None and session.get(DirectoryService, body.service_id) is None:
        raise unprocessable(["body", "service_id"], "no service with this id in the service directory")
    barrier = Barrier(
        case_id=case.id,
        category=body.category,
        service_id=body.service_id,
        goal=body.goal.value if body.goal else None,
        note=body.note,
        author=principal.username,
        organisation=principal.organisation.value if principal.organisation else None,
    )
    session.add(barrier)
    session.commit()
    return BarrierRead.model_validate(barrier)
