"""Case work: who may see a case, the queue, claiming, status, notes and routing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, update
from sqlalchemy.orm import Session, contains_eager

from api.auth.service import Principal
from api.cases.models import Case, CaseEvent, CaseGoal, CaseNote, RoutingDecision
from api.contract import (
    CASE_TRANSITIONS,
    OPEN_CASE_STATUSES,
    URGENCY_RANK,
    CaseOutcome,
    CaseStatus,
    Goal,
    ReferralStatus,
    ReferralTarget,
    Role,
    Urgency,
)
from api.intakes.models import Intake
from api.kit.errors import conflict, not_found
from api.kit.types import utcnow
from api.referrals import service as referrals
from api.referrals.models import Referral
from api.review import service as review

if TYPE_CHECKING:
    from api.intakes.schemas import IntakeSubmission


def open_case(session: Session, intake: Intake, submission: IntakeSubmission) -> Case:
    # The queue's copies of the intake (see Case.language); intake.created_at is set by the flush.
    case = Case(
        id=intake.id,
        status=CaseStatus.new.value,
        created_at=intake.created_at,
        language=intake.language,
        urgency_rank=intake.urgency_rank,
        district=intake.district,
    )
    case.goals = [CaseGoal(code=g.code.value, rule=g.rule) for g in submission.goals]
    session.add(case)
    # The events and referrals below reference the case without an ORM relationship.
    session.flush()
    session.add(CaseEvent(case_id=case.id, actor="bot", from_status=None, to_status=CaseStatus.new.value))
    referrals.suggest(session, case.id, [(r.code, r.rule) for r in submission.referrals], actor="bot")
    return case


# --- who sees what ---------------------------------------------------------------


def visibility(principal: Principal) -> ColumnElement[bool]:
    """Case managers see the unclaimed pool and their own organisation's cases."""
    if principal.role != Role.case_manager or principal.organisation is None:
        return false()
    return or_(
        and_(Case.status == CaseStatus.new.value, Case.organisation.is_(None)),
        Case.organisation == principal.organisation.value,
    )


def get_visible(session: Session, principal: Principal, case_id: uuid.UUID) -> Case:
    case = session.scalar(select(Case).where(Case.id == case_id, visibility(principal)))
    if case is None:
        raise not_found("case not found")
    return case


def get_owned(session: Session, principal: Principal, case_id: uuid.UUID) -> Case:
    """A case the caller's organisation has claimed: only those can be worked on."""
    case = get_visible(session, principal, case_id)
    if case.organisation is None:
        raise conflict("claim the case before working on it")
    return case


# --- the queue -------------------------------------------------------------------


@dataclass
class QueueFilters:
    status: CaseStatus | None = None
    scope: str = "all"
    language: str | None = None
    goal: Goal | None = None
    referral: ReferralTarget | None = None
    urgency: str | None = None
    district: str | None = None
    min_waiting_hours: int | None = None
    sort: str = "urgency"


def _queue_conditions(principal: Principal, filters: QueueFilters) -> list[ColumnElement[bool]]:
    """Every condition is on `cases` (or EXISTS on its goals and referrals): no join needed."""
    conditions = [visibility(principal)]
    if filters.status is not None:
        conditions.append(Case.status == filters.status.value)
    else:
        conditions.append(Case.status.in_([s.value for s in OPEN_CASE_STATUSES]))
    if filters.scope == "pool":
        conditions.append(Case.organisation.is_(None))
    elif filters.scope == "organisation":
        conditions.append(Case.organisation.is_not(None))
    elif filters.scope == "mine":
        conditions.append(Case.assignee_id == principal.user_id)
    if filters.language:
        conditions.append(Case.language == filters.language)
    if filters.urgency:
        conditions.append(Case.urgency_rank == URGENCY_RANK[Urgency(filters.urgency)])
    if filters.district:
        conditions.append(Case.district == filters.district)
    if filters.goal:
        conditions.append(exists().where(CaseGoal.case_id == Case.id, CaseGoal.code == filters.goal.value))
    if filters.referral:
        conditions.append(
            exists().where(
                Referral.case_id == Case.id,
                Referral.target == filters.referral.value,
                Referral.status.in_([s.value for s in referrals.ACTIVE]),
            )
        )
    if filters.min_waiting_hours:
        conditions.append(Case.created_at <= utcnow() - timedelta(hours=filters.min_waiting_hours))
    return conditions


def queue_query(principal: Principal, filters: QueueFilters):
    query = (
        select(Case)
        .join(Case.intake)
        # Only what a queue row shows: not the encrypted fields (decrypting them for 50 rows
        # cost milliseconds) and not the intake's needs (a second query per page).
        .options(
            contains_eager(Case.intake).load_only(
                Intake.urgency, Intake.language, Intake.district, Intake.human_requested, Intake.created_at
            ),
            contains_eager(Case.intake).lazyload(Intake.needs),
        )
        .where(*_queue_conditions(principal, filters))
    )
    if filters.sort == "newest":
        return query.order_by(Case.created_at.desc(), Case.id)
    if filters.sort == "oldest":
        return query.order_by(Case.created_at, Case.id)
    # Urgent first, then whoever has waited longest.
    return query.order_by(Case.urgency_rank, Case.created_at, Case.id)


def queue_count_query(principal: Principal, filters: QueueFilters):
    """The queue's total, counted on `cases` alone (an index scan, not a join per open case)."""
    return select(func.count()).select_from(Case).where(*_queue_conditions(principal, filters))


def referral_targets_by_case(session: Session, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    targets: dict[uuid.UUID, list[str]] = {case_id: [] for case_id in case_ids}
    rows = session.execute(
        select(Referral.case_id, Referral.target)
        .where(Referral.case_id.in_(case_ids), Referral.status.in_([s.value for s in referrals.ACTIVE]))
        .order_by(Referral.id)
    )
    for case_id, target in rows:
        targets[case_id].append(target)
    return targets


# --- work on a case --------------------------------------------------------------


def _log(session: Session, case: Case, actor: str, from_status: str | None, to_status: str) -> None:
    session.add(CaseEvent(case_id=case.id, actor=actor, from_status=from_status, to_status=to_status))


def claim(session: Session, principal: Principal, case: Case) -> Case:
    now = utcnow()
    # A conditional update, so two case managers claiming at once cannot both win.
    result = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == CaseStatus.new.value, Case.organisation.is_(None))
        .values(
            status=CaseStatus.claimed.value,
            organisation=principal.organisation.value if principal.organisation else None,
            assignee_id=principal.user_id,
            claimed_at=now,
            status_changed_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise conflict("the case has been claimed already")
    _log(session, case, principal.username, CaseStatus.new.value, CaseStatus.claimed.value)
    session.commit()
    session.refresh(case)
    return case


def change_status(
    session: Session, principal: Principal, case: Case, to: CaseStatus, outcome: CaseOutcome | None
) -> Case:
    current = CaseStatus(case.status)
    if to not in CASE_TRANSITIONS[current]:
        allowed = ", ".join(sorted(CASE_TRANSITIONS[current])) or "none (the case is closed)"
        hint = " (use claim)" if to == CaseStatus.claimed else ""
        raise conflict(f"a case cannot go from {current.value} to {to.value}{hint}; allowed: {allowed}")
    now = utcnow()
    case.status = to.value
    case.status_changed_at = now
    if to == CaseStatus.closed:
        case.closed_at = now
        case.outcome = outcome.value if outcome else None
    _log(session, case, principal.username, current.value, to.value)
    session.commit()
    return case


def add_note(session: Session, principal: Principal, case: Case, text: str) -> CaseNote:
    note = CaseNote(case_id=case.id, author=principal.username, text=text)
    session.add(note)
    session.commit()
    return note


def notes(session: Session, case: Case) -> list[CaseNote]:
    return list(session.scalars(select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)))


def history(session: Session, case: Case) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))


def routing_decisions(session: Session, case: Case) -> list[RoutingDecision]:
    return list(
        session.scalars(
            select(RoutingDecision).where(RoutingDecision.case_id == case.id).order_by(RoutingDecision.id)
        )
    )


def decide_routing(
    session: Session,
    principal: Principal,
    case: Case,
    action: str,
    goals: list[Goal] | None,
    targets: list[ReferralTarget] | None,
    reason: str | None,
) -> RoutingDecision:
    if case.status == CaseStatus.closed.value:
        raise conflict("the routing of a closed case cannot change")
    goals_before = [g.code for g in case.goals]
    referrals_before = referrals.active_targets(session, case.id)
    goals_after, referrals_after = goals_before, referrals_before
    if action == "change":
        if goals is not None:
            goals_after = list(dict.fromkeys(g.value for g in goals))
            kept = {g.code: g for g in case.goals}
            case.goals = [kept.get(code) or CaseGoal(code=code, rule=None) for code in goals_after]
        if targets is not None:
            referrals_after = list(dict.fromkeys(t.value for t in targets))
            _apply_referral_targets(session, principal, case, referrals_after)
    rules = [g["rule"] for g in case.intake.suggested_goals] + [
        r["rule"] for r in case.intake.suggested_referrals
    ]
    decision = RoutingDecision(
        case_id=case.id,
        actor=principal.username,
        organisation=principal.organisation.value if principal.organisation else None,
        action=action,
        goals_before=goals_before,
        goals_after=goals_after,
        referrals_before=referrals_before,
        referrals_after=referrals_after,
        suggestion_rules=rules,
        reason=reason,
    )
    session.add(decision)
    if action == "confirm":
        case.routing_confirmed_at = utcnow()
    else:
        # A corrected routing is something to learn from (operators' review inbox).
        review.add_routing_change(session, decision, case.intake)
    session.commit()
    return decision


def _apply_referral_targets(session: Session, principal: Principal, case: Case, wanted: list[str]) -> None:
    current = {r.target: r for r in referrals.of_case(session, case.id) if r.status in referrals.ACTIVE}
    for target, referral in current.items():
        if target not in wanted:
            if referral.status != ReferralStatus.suggested.value:
                raise conflict(
                    f"the referral to {target} is {referral.status} already; "
                    "record its outcome instead of removing it"
                )
            referrals.move(referral, ReferralStatus.withdrawn, principal.username, None)
    new_targets = [ReferralTarget(t) for t in wanted if t not in current]
    referrals.suggest(session, case.id, [(t, None) for t in new_targets], actor=principal.username)
