from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from api.auth.deps import CaseManager
from api.cases import service as cases
from api.contract import ReferralStatus
from api.kit.deps import SessionDep
from api.kit.errors import responses
from api.referrals import service
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
    referral = service.add_to_case(session, case.id, body.target, principal.username)
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
    referral = service.change_status(
        session, case.id, referral_id, ReferralStatus(body.status), principal.username, body.note
    )
    return ReferralRead.model_validate(referral)
