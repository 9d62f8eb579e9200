"""The intake record exactly as the assistant handed it over. It is never edited:
what a case manager changes lives on the case."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.kit.types import EncryptedText, UTCDateTime, utcnow


class Intake(Base):
    __tablename__ = "intakes"
    __table_args__ = (Index("ix_intakes_queue_order", "urgency_rank", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    # sha256 of the canonical request body: tells a replay from a conflicting reuse.
    body_fingerprint: Mapped[str] = mapped_column(String(64))
    # Keyed hash for erasure look-ups; the id itself is kept encrypted for the Rasa call.
    conversation_ref: Mapped[str] = mapped_column(String(64), index=True)
    conversation_id: Mapped[str] = mapped_column(EncryptedText)

    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), index=True)
    consent_given: Mapped[bool] = mapped_column(Boolean)
    consent_given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_text_version: Mapped[str] = mapped_column(String(64))
    consent_improve_service: Mapped[bool] = mapped_column(Boolean, default=False)

    nickname: Mapped[str | None] = mapped_column(EncryptedText)
    age: Mapped[int | None] = mapped_column(Integer)
    receives_benefits: Mapped[str] = mapped_column(String(16))
    residence_status: Mapped[str] = mapped_column(EncryptedText)
    district: Mapped[str | None] = mapped_column(String(64), index=True)
    contact_channel: Mapped[str] = mapped_column(String(16))
    contact_value: Mapped[str | None] = mapped_column(EncryptedText)

    # [{"code", "rule"}] as suggested by the routing engine; codes and rule ids only.
    suggested_goals: Mapped[list] = mapped_column(JSON, default=list)
    suggested_referrals: Mapped[list] = mapped_column(JSON, default=list)
    urgency: Mapped[str] = mapped_column(String(8))
    urgency_rank: Mapped[int] = mapped_column(Integer)
    human_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    needs: Mapped[list[IntakeNeed]] = relationship(
        back_populates="intake",
        cascade="all, delete-orphan",
        order_by="IntakeNeed.position",
        lazy="selectin",
    )


class IntakeNeed(Base):
    __tablename__ = "intake_needs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("intakes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    intent: Mapped[str] = mapped_column(String(32))
    # The person's own words; may describe health: always encrypted.
    text: Mapped[str] = mapped_column(EncryptedText)
    confidence: Mapped[float] = mapped_column(Float)

    intake: Mapped[Intake] = relationship(back_populates="needs")
