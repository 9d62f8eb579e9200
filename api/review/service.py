"""The review inbox: items in (from the assistant, from changed routings), decisions out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, status
from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.cases.models import RoutingDecision
from api.intakes.models import Intake
from api.kit import crypto
from api.kit.errors import conflict, not_found
from api.kit.types import utcnow
from api.review import training_data
from api.review.masking import mask
from api.review.models import ReviewItem
from api.review.schemas import ReviewItemRead, ReviewItemSubmission, RoutingChange
from api.settings import Settings
from scripts.stack import latest_model

OPEN = "open"


class ExampleRefused(HTTPException):
    """409: the training data cannot take the example. The detail is German, for the UI too."""

    def __init__(self, message: str) -> None:
        super().__init__(status.HTTP_409_CONFLICT, message)


def submit(session: Session, body: ReviewItemSubmission, key: str) -> tuple[ReviewItem, bool]:
    """Store the masked item; returns (item, created). The same key again is a replay."""
    ref = crypto.lookup_hash(key)
    existing = session.scalar(select(ReviewItem).where(ReviewItem.idempotency_ref == ref))
    if existing is not None:
        return existing, False
    item = ReviewItem(
        source=body.source,
        language=body.language.value,
        text=mask(body.text, body.known_names),
        predicted_intent=body.predicted_intent,
        confidence=body.confidence,
        ranking=[r.model_dump() for r in body.ranking],
        idempotency_ref=ref,
        conversation_ref=crypto.lookup_hash(body.conversation_id),
    )
    session.add(item)
    try:
        session.commit()
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as its replay.
        session.rollback()
        existing = session.scalar(select(ReviewItem).where(ReviewItem.idempotency_ref == ref))
        if existing is None:
            raise
        return existing, False
    return item, True


def add_routing_change(session: Session, decision: RoutingDecision, intake: Intake) -> None:
    """The needs of an intake whose routing a case manager changed, if the person agreed.

    Only the newest change of a case stays open: it shows the routing as it now is."""
    if not intake.consent_improve_service or not intake.needs:
        return
    earlier = select(RoutingDecision.id).where(RoutingDecision.case_id == decision.case_id)
    session.execute(
        delete(ReviewItem)
        .where(ReviewItem.status == OPEN, ReviewItem.routing_decision_id.in_(earlier))
        .execution_options(synchronize_session=False)
    )
    known_names = [intake.nickname] if intake.nickname else []
    for need in intake.needs:
        session.add(
            ReviewItem(
                source="routing",
                language=intake.language,
                text=mask(need.text, known_names),
                predicted_intent=need.intent,
                confidence=need.confidence,
                ranking=[],
                routing_decision=decision,
            )
        )


# --- the inbox -------------------------------------------------------------------------


def _group_of(language: str | None, intent: str | None) -> list[ColumnElement[bool]]:
    conditions = [ReviewItem.status == OPEN]
    if language:
        conditions.append(ReviewItem.language == language)
    if intent == "none":
        conditions.append(ReviewItem.predicted_intent.is_(None))
    elif intent:
        conditions.append(ReviewItem.predicted_intent == intent)
    return conditions


def groups(session: Session) -> list[tuple[str, str | None, int]]:
    """(language, likely intent, open items), largest group first within a language."""
    count = func.count(ReviewItem.id)
    rows = session.execute(
        select(ReviewItem.language, ReviewItem.predicted_intent, count)
        .where(ReviewItem.status == OPEN)
        .group_by(ReviewItem.language, ReviewItem.predicted_intent)
    ).all()
    return sorted(((lang, intent, n) for lang, intent, n in rows), key=lambda g: (g[0], -g[2], g[1] or ""))


def items_query(language: str | None = None, intent: str | None = None):
    """Open items of one group (or all), grouped as the inbox shows them, oldest first."""
    return (
        select(ReviewItem)
        .where(*_group_of(language, intent))
        .order_by(ReviewItem.language, ReviewItem.predicted_intent, ReviewItem.id)
    )


def to_read(item: ReviewItem) -> ReviewItemRead:
    read = ReviewItemRead.model_validate(item)
    if item.routing_decision is not None:
        read.routing = RoutingChange.model_validate(item.routing_decision)
    return read


def model_trained_at(settings: Settings) -> datetime | None:
    """When the current model (models/latest, as scripts/train.py writes it) was trained."""
    try:
        model = latest_model(settings.models_dir, required=False)
        return datetime.fromtimestamp(model.stat().st_mtime, UTC) if model else None
    except (OSError, ValueError):
        return None


def waiting_for_training(session: Session, settings: Settings) -> int:
    query = select(func.count(ReviewItem.id)).where(ReviewItem.status == "accepted", ReviewItem.written.is_(True))
    trained_at = model_trained_at(settings)
    if trained_at is not None:
        query = query.where(ReviewItem.decided_at > trained_at)
    return int(session.scalar(query) or 0)


def open_count(groups: list[tuple[str, str | None, int]]) -> int:
    """All open items, from the groups already counted."""
    return sum(n for _, _, n in groups)


# --- decisions -------------------------------------------------------------------------


def _take_open(session: Session, item_id: int, decided_by: str, **values) -> ReviewItem:
    """Decide an open item; a conditional update, so two operators cannot both decide it."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise not_found("review item not found")
    result = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item_id, ReviewItem.status == OPEN)
        .values(decided_at=utcnow(), decided_by=decided_by, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise conflict("the review item was decided already")
    session.refresh(item)
    return item


def accept(session: Session, settings: Settings, item_id: int, intent: str, decided_by: str) -> ReviewItem:
    item = _take_open(session, item_id, decided_by, status="accepted", accepted_intent=intent)
    try:
        item.written = training_data.add_example(settings, item.language, intent, item.text or "")
    except training_data.Refused as exc:
        session.rollback()
        raise ExampleRefused(str(exc)) from None
    session.commit()
    return item


def discard(session: Session, item_id: int, decided_by: str) -> ReviewItem:
    item = _take_open(session, item_id, decided_by, status="discarded")
    # Nothing to learn from it: its words need not be kept.
    item.text = None
    session.commit()
    return item


# --- privacy -----------------------------------------------------------------------------


def of_conversation(session: Session, conversation_id: str) -> list[ReviewItem]:
    """The conversation's review items, oldest first (for the person's data export)."""
    query = select(ReviewItem).where(ReviewItem.conversation_ref == crypto.lookup_hash(conversation_id))
    return list(session.scalars(query.order_by(ReviewItem.id)))


def erase_of(session: Session, conversation_ids: set[str], case_ids: list) -> int:
    """Delete the items of these conversations and of these cases' routings (not committed)."""
    conditions = []
    if conversation_ids:
        conditions.append(ReviewItem.conversation_ref.in_([crypto.lookup_hash(c) for c in conversation_ids]))
    if case_ids:
        routings = select(RoutingDecision.id).where(RoutingDecision.case_id.in_(case_ids))
        conditions.append(ReviewItem.routing_decision_id.in_(routings))
    if not conditions:
        return 0
    result = session.execute(delete(ReviewItem).where(or_(*conditions)))
    return result.rowcount or 0


def erase_older_than(session: Session, days: int) -> int:
    result = session.execute(delete(ReviewItem).where(ReviewItem.created_at < utcnow() - timedelta(days=days)))
    return result.rowcount or 0
