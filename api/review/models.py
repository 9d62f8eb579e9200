"""The operators' review inbox: messages to learn from, masked before they were stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.cases.models import RoutingDecision
from api.db import Base
from api.kit.types import EncryptedText, UTCDateTime, utcnow


class ReviewItem(Base):
    __tablename__ = "review_items"
    # The inbox lists open items by language and likely intent, oldest first.
    __table_args__ = (Index("ix_review_items_inbox", "status", "language", "predicted_intent", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # fallback | handover | routing
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | accepted | discarded
    language: Mapped[str] = mapped_column(String(8))
    # Masked before it was stored, and still encrypted: the words may describe health.
    # Emptied when the item is discarded.
    text: Mapped[str | None] = mapped_column(EncryptedText)
    predicted_intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    ranking: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    # From the assistant: keyed hashes of the Idempotency-Key and of the conversation id
    # (the key contains the conversation id, which is never stored in the clear).
    idempotency_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    conversation_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    # From a case manager's change of routing: goes when the case goes (erasure, retention).
    routing_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("routing_decisions.id", ondelete="CASCADE"), index=True
    )

    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    accepted_intent: Mapped[str | None] = mapped_column(String(64))
    # Whether accepting added a line to the training data (False: it was there already).
    written: Mapped[bool] = mapped_column(Boolean, default=False)

    routing_decision: Mapped[RoutingDecision | None] = relationship(lazy="joined")
