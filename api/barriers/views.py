from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.auth.deps import CaseManager, Staff
from api.barriers import service
from api.barriers.catalogue import catalogue
from api.barriers.schemas import BarrierCategory, BarrierCreate, BarrierRead
from api.cases import service as cases
from api.kit.deps import SessionDep
from api.kit.errors import responses

router = APIRouter(tags=["barriers"])
ERRORS = responses(403, 404, 409, 422)


@router.get("/api/barriers/catalogue", response_model=list[BarrierCategory], responses=responses(403))
def barrier_catalogue(_staff: Staff) -> list[BarrierCategory]:
    return [BarrierCategory(code=code, label=label) for code, label in catalogue().items()]


@router.get("/api/cases/{case_id}/barriers", response_model=list[BarrierRead], responses=ERRORS)
def list_barriers(session: SessionDep, principal: CaseManager, case_id: uuid.UUID) -> list[BarrierRead]:
    case = cases.get_visible(session, principal, case_id)
    return [BarrierRead.model_validate(b) for b in service.of_case(session, case.id)]


@router.post("/api/cases/{case_id}/barriers", response_model=BarrierRead, status_code=201, responses=ERRORS)
def record_barrier(
    session: SessionDep, principal: CaseManager, case_id: uuid.UUID, body: BarrierCreate
) -> BarrierRead:
    case = cases.get_owned(session, principal, case_id)
    return BarrierRead.model_validate(service.record(session, principal, case, body))
