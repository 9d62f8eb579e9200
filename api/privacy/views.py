from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.auth.deps import BotPrincipal, CaseManager
from api.cases import service as cases
from api.intakes import service as intakes
from api.intakes.schemas import ErasureRequest
from api.kit.deps import SessionDep
from api.kit.errors import responses
from api.privacy import service
from api.privacy.rasa import RasaTrackers
from api.privacy.schemas import ErasureResult, Export, TrackerResult

router = APIRouter(tags=["privacy"])


def _trackers(request: Request) -> RasaTrackers:
    return request.app.state.rasa_trackers


TrackersDep = Annotated[RasaTrackers, Depends(_trackers)]


def _result(report: service.ErasureReport) -> ErasureResult:
    return ErasureResult(
        deleted_intakes=report.deleted_intakes,
        deleted_review_items=report.deleted_review_items,
        trackers=[TrackerResult(status=t.status, detail=t.detail) for t in report.trackers],
        complete=not report.tracker_failures,
    )


@router.post("/api/erasure", response_model=ErasureResult, responses=responses(403, 422))
def erase_conversation(
    session: SessionDep, principal: BotPrincipal, trackers: TrackersDep, body: ErasureRequest
) -> ErasureResult:
    """Delete every intake and review item of a conversation (the person asked the assistant to)."""
    found = intakes.intakes_of_conversation(session, body.conversation_id)
    report = service.erase(session, principal, found, trackers, frozenset({body.conversation_id}))
    if not found:
        # Nothing was submitted, but the chat itself may still be in the tracker store.
        report.trackers.append(trackers.delete(body.conversation_id))
    return _result(report)


@router.post("/api/privacy/export", response_model=Export, responses=responses(403, 422))
def export_conversation(session: SessionDep, principal: BotPrincipal, body: ErasureRequest) -> Export:
    """Everything stored about the person of a conversation, for the assistant to hand over."""
    found = intakes.intakes_of_conversation(session, body.conversation_id)
    return Export(**service.export(session, principal, found, body.conversation_id))


@router.get("/api/cases/{case_id}/export", response_model=Export, responses=responses(403, 404, 422))
def export_case(session: SessionDep, principal: CaseManager, case_id: uuid.UUID) -> Export:
    case = cases.get_visible(session, principal, case_id)
    return Export(**service.export(session, principal, [case.intake]))


@router.delete("/api/cases/{case_id}", response_model=ErasureResult, responses=responses(403, 404, 422))
def erase_case(
    session: SessionDep, principal: CaseManager, trackers: TrackersDep, case_id: uuid.UUID
) -> ErasureResult:
    """Erasure requested through a case manager: the case and its intake go."""
    case = cases.get_visible(session, principal, case_id)
    return _result(service.erase(session, principal, [case.intake], trackers))
