from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select

from api.auth.deps import CaseManager
from api.cases import service as cases
from api.contract import ReferralStatus
from api.kit.deps import SessionDep
from api.kit.errors import conflict, not_found, responses
from api.referrals import service
from api.referrals.models import Referral
from api.referrals.schemas import ReferralCreate, ReferralRead, ReferralStatusChange

router = APIRouter(tags=["referrals"])
ERRORS = responses(403, 404, 409, 422)
ReferralId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/api/cases/{case_id}/referrals", response_model=list[ReferralRead], responses=ERRORS)
def list_referrals(session: SessionDep, principal: CaseManager, case_id: uuid.UUID) -> list[ReferralRead]:
    case = cases.get_visible(session, principal, case_id)
    return [ReferralRead.model_validate(r) for r in service.of_case(session, case.id)]


@router.post(
    "/api/cases/{case_id}/referrals", response_model=ReferralRead, status_code=201, responses=ERRORS
)
def add_referral(
    session: SessionDep, principal: CaseManager, case_id: uuid.UUID, body: ReferralCreate
) -> ReferralRead:
    case = cases.get_owned(session, principal, case_id)
    if body.target.value in service.active_targets(session, case.id):
        raise conflict(f"the case has an open referral to {body.target.value} already")
    (referral,) = service.suggest(session, case.id, [(body.target, None)], actor=principal.username)
    session.commit()
    return ReferralRead.model_validate(referral)


@router.post(
    "/api/cases/{case_id}/referrals/{referral_id}/status",
    response_model=ReferralRead,
    responses=ERRORS,
)
def change_referral_status(
    session: SessionDep,
    principal: CaseManager,
    case_id: uuid.UUID,
    referral_id: ReferralId,
    body: ReferralStatusChange,
) -> ReferralRead:
    case = cases.get_owned(session, principal, case_id)
    referral = session.scalar(
        select(Referral).where(Referral.id == referral_id, Referral.case_id == case.id)
    )
    if referral is None:
        raise not_found("referral not found")
    try:
        service.move(referral, ReferralStatus(body.status), principal.username, body.note)
    except service.IllegalReferralTransition as exc:
        raise conflict(str(exc)) from exc
    session.commit()
    return ReferralRead.model_validate(referral)
