from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.audit import service as audit
from api.auth.deps import CaseManager, Operator
from api.cases import service
from api.cases.models import RoutingDecision
from api.cases.schemas import (
    CaseDetail,
    CaseEventRead,
    NoteCreate,
    NoteRead,
    QueueItem,
    RoutingDecisionCreate,
    RoutingDecisionRead,
    StatusChange,
)
from api.contract import CaseStatus, Goal, Language, ReferralTarget, Urgency
from api.intakes import service as intakes
from api.kit.deps import SessionDep
from api.kit.errors import responses
from api.kit.pagination import Page, PageDep, paginate
from api.kit.types import utcnow

router = APIRouter(tags=["cases"])

CASE_ERRORS = responses(403, 404, 409, 422)


@router.get("/api/cases", response_model=Page[QueueItem], responses=responses(403, 422))
def list_queue(
    session: SessionDep,
    principal: CaseManager,
    page: PageDep,
    status: CaseStatus | None = None,
    scope: Literal["all", "pool", "organisation", "mine"] = "all",
    language: Language | None = None,
    goal: Goal | None = None,
    referral: ReferralTarget | None = None,
    urgency: Urgency | None = None,
    district: Annotated[str | None, Query(max_length=64, pattern=r"^[\w .\-]+$")] = None,
    min_waiting_hours: Annotated[int | None, Query(ge=0, le=24 * 365 * 10)] = None,
    sort: Literal["urgency", "oldest", "newest"] = "urgency",
) -> Page[QueueItem]:
    filters = service.QueueFilters(
        status=status,
        scope=scope,
        language=language.value if language else None,
        goal=goal,
        referral=referral,
        urgency=urgency.value if urgency else None,
        district=district,
        min_waiting_hours=min_waiting_hours,
        sort=sort,
    )
    rows, total = paginate(
        session, service.queue_query(principal, filters), page, service.queue_count_query(principal, filters)
    )
    targets = service.referral_targets_by_case(session, [c.id for c in rows])
    now = utcnow()
    items = [
        QueueItem(
            id=c.id,
            status=c.status,
            urgency=c.intake.urgency,
            language=c.intake.language,
            district=c.intake.district,
            human_requested=c.intake.human_requested,
            goals=[g.code for g in c.goals],
            referrals=targets[c.id],
            organisation=c.organisation,
            assignee_id=c.assignee_id,
            created_at=c.intake.created_at,
            claimed_at=c.claimed_at,
            waiting_minutes=int(((c.claimed_at or now) - c.intake.created_at).total_seconds() // 60),
        )
        for c in rows
    ]
    return Page[QueueItem](items=items, total=total, **page.model_dump())


def _detail(session, case) -> CaseDetail:
    return CaseDetail(
        id=case.id,
        status=case.status,
        organisation=case.organisation,
        assignee_id=case.assignee_id,
        created_at=case.created_at,
        claimed_at=case.claimed_at,
        closed_at=case.closed_at,
        outcome=case.outcome,
        routing_confirmed_at=case.routing_confirmed_at,
        goals=[{"code": g.code, "rule": g.rule} for g in case.goals],
        intake=intakes.to_record(case.intake, case.status),
        notes=[NoteRead.model_validate(n) for n in service.notes(session, case)],
        history=[CaseEventRead.model_validate(e) for e in service.history(session, case)],
        routing_decisions=[
            RoutingDecisionRead.model_validate(d) for d in service.routing_decisions(session, case)
        ],
    )


@router.get("/api/cases/{case_id}", response_model=CaseDetail, responses=CASE_ERRORS)
def read_case(session: SessionDep, principal: CaseManager, case_id: uuid.UUID) -> CaseDetail:
    case = service.get_visible(session, principal, case_id)
    audit.record(session, principal, "read", "case", case.id)
    session.commit()
    return _detail(session, case)


@router.post("/api/cases/{case_id}/claim", response_model=CaseDetail, responses=CASE_ERRORS)
def claim_case(session: SessionDep, principal: CaseManager, case_id: uuid.UUID) -> CaseDetail:
    case = service.get_visible(session, principal, case_id)
    service.claim(session, principal, case)
    audit.record(session, principal, "read", "case", case.id)
    session.commit()
    return _detail(session, case)


@router.post("/api/cases/{case_id}/status", response_model=CaseDetail, responses=CASE_ERRORS)
def change_status(
    session: SessionDep, principal: CaseManager, case_id: uuid.UUID, body: StatusChange
) -> CaseDetail:
    case = service.get_owned(session, principal, case_id)
    service.change_status(session, principal, case, body.status, body.outcome)
    audit.record(session, principal, "read", "case", case.id)
    session.commit()
    return _detail(session, case)


@router.post(
    "/api/cases/{case_id}/notes", response_model=NoteRead, status_code=201, responses=CASE_ERRORS
)
def add_note(session: SessionDep, principal: CaseManager, case_id: uuid.UUID, body: NoteCreate) -> NoteRead:
    case = service.get_owned(session, principal, case_id)
    return NoteRead.model_validate(service.add_note(session, principal, case, body.text))


@router.post(
    "/api/cases/{case_id}/routing",
    response_model=RoutingDecisionRead,
    status_code=201,
    responses=CASE_ERRORS,
)
def decide_routing(
    session: SessionDep, principal: CaseManager, case_id: uuid.UUID, body: RoutingDecisionCreate
) -> RoutingDecisionRead:
    case = service.get_owned(session, principal, case_id)
    decision = service.decide_routing(
        session, principal, case, body.action, body.goals, body.referrals, body.reason
    )
    return RoutingDecisionRead.model_validate(decision)


@router.get(
    "/api/routing-decisions",
    response_model=Page[RoutingDecisionRead],
    responses=responses(403, 422),
    tags=["training review"],
)
def list_routing_decisions(
    session: SessionDep,
    operator: Operator,
    page: PageDep,
    action: Literal["confirm", "change"] | None = "change",
) -> Page[RoutingDecisionRead]:
    """Routing confirmations and changes, newest first: which suggestions case managers
    corrected, by which rule, and why. No case ids: operators review rules, not people."""
    query = select(RoutingDecision).order_by(RoutingDecision.id.desc())
    if action:
        query = query.where(RoutingDecision.action == action)
    rows, total = paginate(session, query, page)
    # Reasons are free text a case manager wrote: reading them is audited like a case.
    audit.record(session, operator, "read", "routing_decisions")
    session.commit()
    return Page[RoutingDecisionRead](
        items=[RoutingDecisionRead.model_validate(r) for r in rows], total=total, **page.model_dump()
    )
