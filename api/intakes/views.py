from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from api.audit import service as audit
from api.auth.deps import BotPrincipal, CaseManager
from api.cases import service as cases
from api.cases.models import Case
from api.intakes import service
from api.intakes.schemas import IntakeRecord, IntakeSubmission
from api.kit.deps import SessionDep
from api.kit.errors import created_or_replayed, responses, unprocessable

router = APIRouter(tags=["intakes"])

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        description="A UUID made by the sender once per intake and reused on every retry.",
        min_length=8,
        max_length=128,
        pattern=_IDEMPOTENCY_KEY.pattern,
    ),
]


@router.post(
    "/api/intakes",
    response_model=IntakeRecord,
    status_code=status.HTTP_201_CREATED,
    responses=created_or_replayed(IntakeRecord),
)
def submit_intake(
    session: SessionDep,
    _bot: BotPrincipal,
    body: IntakeSubmission,
    idempotency_key: IdempotencyKey,
    response: Response,
) -> IntakeRecord:
    try:
        intake, created = service.submit(session, body, idempotency_key)
    except service.IdempotencyConflict:
        raise unprocessable(
            ["header", "Idempotency-Key"],
            "this Idempotency-Key was already used with a different body; "
            "make a new key for a new intake",
            kind="idempotency_conflict",
        ) from None
    if not created:
        response.status_code = status.HTTP_200_OK
    case = session.get(Case, intake.id)
    return service.to_record(intake, case.status if case else "new")


@router.get("/api/intakes/{intake_id}", response_model=IntakeRecord, responses=responses(403, 404, 422))
def read_intake(session: SessionDep, principal: CaseManager, intake_id: uuid.UUID) -> IntakeRecord:
    case = cases.get_visible(session, principal, intake_id)
    audit.record(session, principal, "read", "intake", case.id)
    session.commit()
    return service.to_record(case.intake, case.status)
