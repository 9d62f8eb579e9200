"""Turning a submission into a stored intake and its case, exactly once per key."""

from __future__ import annotations

import hashlib
import json
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.cases import service as cases
from api.contract import URGENCY_RANK
from api.intakes.models import Intake, IntakeNeed
from api.intakes.schemas import IntakeRecord, IntakeSubmission
from api.kit import crypto


class IdempotencyConflict(Exception):
    """The key was used before with a different body."""


def fingerprint(submission: IntakeSubmission) -> str:
    body = submission.model_dump(mode="json")
    if not body["consent_improve"]:
        # Left out at its default, so intakes stored before the field existed still replay.
        del body["consent_improve"]
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit(session: Session, submission: IntakeSubmission, key: str) -> tuple[Intake, bool]:
    """Store the intake and open its case; returns (intake, created)."""
    body_fingerprint = fingerprint(submission)
    existing = _by_key(session, key)
    if existing is not None:
        return _replay(existing, body_fingerprint), False

    intake = _build(submission, key, body_fingerprint)
    session.add(intake)
    try:
        # Flushed first: a concurrent twin with the same key fails here, on the unique key.
        session.flush()
        cases.open_case(session, intake, submission)
        session.commit()
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as its replay.
        session.rollback()
        existing = _by_key(session, key)
        if existing is None:
            raise
        return _replay(existing, body_fingerprint), False
    return intake, True


def _by_key(session: Session, key: str) -> Intake | None:
    return session.scalar(select(Intake).where(Intake.idempotency_key == key))


def _replay(existing: Intake, body_fingerprint: str) -> Intake:
    if existing.body_fingerprint != body_fingerprint:
        raise IdempotencyConflict
    return existing


def _build(submission: IntakeSubmission, key: str, body_fingerprint: str) -> Intake:
    return Intake(
        # Set now, not at flush: the case shares this id.
        id=uuid.uuid4(),
        idempotency_key=key,
        body_fingerprint=body_fingerprint,
        conversation_ref=crypto.lookup_hash(submission.conversation_id),
        conversation_id=submission.conversation_id,
        channel=submission.channel.value,
        language=submission.language.value,
        consent_given=submission.consent.given,
        consent_given_at=submission.consent.given_at,
        consent_text_version=submission.consent.text_version,
        consent_improve_service=submission.consent.improve_service or submission.consent_improve,
        nickname=submission.nickname,
        age=submission.age,
        receives_benefits=submission.receives_benefits.value,
        residence_status=submission.residence_status.value,
        district=submission.district,
        contact_channel=submission.contact.channel.value,
        contact_value=submission.contact.value,
        suggested_goals=[g.model_dump(mode="json") for g in submission.goals],
        suggested_referrals=[r.model_dump(mode="json") for r in submission.referrals],
        urgency=submission.urgency.value,
        urgency_rank=URGENCY_RANK[submission.urgency],
        human_requested=submission.human_requested,
        needs=[
            IntakeNeed(position=i, intent=n.intent.value, text=n.text, confidence=n.confidence)
            for i, n in enumerate(submission.needs)
        ],
    )


def to_record(intake: Intake, status: str) -> IntakeRecord:
    return IntakeRecord(
        id=intake.id,
        idempotency_key=intake.idempotency_key,
        status=status,
        created_at=intake.created_at,
        conversation_id=intake.conversation_id,
        channel=intake.channel,
        language=intake.language,
        consent={
            "given": intake.consent_given,
            "given_at": intake.consent_given_at,
            "text_version": intake.consent_text_version,
            "improve_service": intake.consent_improve_service,
        },
        nickname=intake.nickname,
        age=intake.age,
        receives_benefits=intake.receives_benefits,
        residence_status=intake.residence_status,
        district=intake.district,
        contact={"channel": intake.contact_channel, "value": intake.contact_value},
        needs=[{"intent": n.intent, "text": n.text, "confidence": n.confidence} for n in intake.needs],
        goals=intake.suggested_goals,
        referrals=intake.suggested_referrals,
        urgency=intake.urgency,
        human_requested=intake.human_requested,
        consent_improve=intake.consent_improve_service,
    )


def intakes_of_conversation(session: Session, conversation_id: str) -> list[Intake]:
    ref = crypto.lookup_hash(conversation_id)
    return list(session.scalars(select(Intake).where(Intake.conversation_ref == ref)))
