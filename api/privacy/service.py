"""Export and erasure of one person's data, and the retention job."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.auth.service import Principal
from api.barriers.models import Barrier
from api.cases.models import Case, CaseEvent, CaseNote, RoutingDecision
from api.contract import FINISHED_CASE_STATUSES, CaseStatus, Role
from api.intakes import service as intakes
from api.intakes.models import Intake
from api.kit.types import utcnow
from api.privacy.rasa import RasaTrackers, TrackerDeletion
from api.referrals.models import Referral
from api.review import service as review
from api.settings import Settings


def export(session: Session, principal: Principal, found: list[Intake], conversation_id: str | None = None) -> dict:
    """Everything stored about the person behind these intakes (and their conversation's review
    items), as plain JSON."""
    records = []
    for intake in found:
        case = session.get(Case, intake.id)
        records.append(_export_one(session, intake, case))
        audit.record(session, principal, "export", "intake", intake.id)
    items = review.of_conversation(session, conversation_id) if conversation_id else []
    if items:
        audit.record(session, principal, "export", "review_items")
    session.commit()
    return {
        "exported_at": utcnow().isoformat(),
        "intakes": records,
        "review_items": [
            {"at": _iso(item.created_at), "language": item.language, "text": item.text, "source": item.source,
             "status": item.status}
            for item in items
        ],
    }


def _rows(session: Session, model, case_id) -> list:
    return list(session.scalars(select(model).where(model.case_id == case_id).order_by(model.id)))


def _export_one(session: Session, intake: Intake, case: Case | None) -> dict:
    record = intakes.to_record(intake, case.status if case else CaseStatus.new.value)
    data = record.model_dump(mode="json")
    if case is None:
        return data
    data["case"] = {
        "status": case.status,
        "organisation": case.organisation,
        "claimed_at": _iso(case.claimed_at),
        "closed_at": _iso(case.closed_at),
        "outcome": case.outcome,
        "goals": [{"code": g.code, "rule": g.rule} for g in case.goals],
        "history": [
            {"at": _iso(e.at), "from": e.from_status, "to": e.to_status}
            for e in _rows(session, CaseEvent, case.id)
        ],
        "notes": [{"at": _iso(n.created_at), "text": n.text} for n in _rows(session, CaseNote, case.id)],
        "routing_decisions": [
            {
                "at": _iso(d.at),
                "action": d.action,
                "goals_after": d.goals_after,
                "referrals_after": d.referrals_after,
                "reason": d.reason,
            }
            for d in _rows(session, RoutingDecision, case.id)
        ],
        "referrals": [
            {
                "target": r.target,
                "status": r.status,
                "history": [
                    {"at": _iso(h.at), "from": h.from_status, "to": h.to_status, "note": h.note}
                    for h in r.history
                ],
            }
            for r in _rows(session, Referral, case.id)
        ],
        "barriers": [
            {"category": b.category, "service_id": b.service_id, "goal": b.goal, "note": b.note}
            for b in _rows(session, Barrier, case.id)
        ],
    }
    return data


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@dataclass
class ErasureReport:
    deleted_intakes: int = 0
    deleted_review_items: int = 0
    trackers: list[TrackerDeletion] = field(default_factory=list)

    @property
    def tracker_failures(self) -> list[TrackerDeletion]:
        return [t for t in self.trackers if t.failed]

    def tracker_summary(self) -> str:
        if not self.trackers:
            return "none needed"
        if self.tracker_failures:
            return "failed: " + "; ".join(t.detail for t in self.tracker_failures)
        return ", ".join(sorted({t.status for t in self.trackers}))


def erase(
    session: Session,
    principal: Principal,
    found: list[Intake],
    trackers: RasaTrackers,
    conversations: frozenset[str] = frozenset(),
) -> ErasureReport:
    """Delete the intakes with everything hanging off them, the review items of their routings
    and of their conversations (and of `conversations`), then their Rasa conversations."""
    conversation_ids = {intake.conversation_id for intake in found}
    ids = [intake.id for intake in found]
    for intake_id in ids:
        audit.record(session, principal, "erase", "intake", intake_id)
    deleted_review_items = review.erase_of(session, conversation_ids | conversations, ids)
    if ids:
        # Foreign keys cascade from intakes to cases, notes, referrals, barriers, ...
        session.execute(delete(Intake).where(Intake.id.in_(ids)))
    session.commit()
    report = ErasureReport(deleted_intakes=len(ids), deleted_review_items=deleted_review_items)
    for conversation_id in sorted(conversation_ids):
        # A conversation that still has a retained intake keeps its tracker.
        if not intakes.intakes_of_conversation(session, conversation_id):
            report.trackers.append(trackers.delete(conversation_id))
    return report


RETENTION_PRINCIPAL = Principal(role=Role.admin, username="retention-job")


def expired_intakes(session: Session, settings: Settings) -> list[Intake]:
    cutoff = utcnow() - timedelta(days=settings.retention_days)
    finished = and_(
        Case.status.in_([s.value for s in FINISHED_CASE_STATUSES]), Case.status_changed_at < cutoff
    )
    unclaimed_without_contact = and_(
        Case.status == CaseStatus.new.value, Intake.contact_value.is_(None), Intake.created_at < cutoff
    )
    query = select(Intake).join(Case, Case.id == Intake.id).where(or_(finished, unclaimed_without_contact))
    return list(session.scalars(query))


def run_retention(session: Session, settings: Settings, trackers: RasaTrackers | None = None) -> ErasureReport:
    report = erase(
        session, RETENTION_PRINCIPAL, expired_intakes(session, settings), trackers or RasaTrackers(settings)
    )
    report.deleted_review_items += review.erase_older_than(session, settings.retention_days)
    session.commit()
    return report
