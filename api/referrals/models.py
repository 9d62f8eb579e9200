"""Closed-loop referrals: each has a status and a history of who moved it when."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.kit.types import EncryptedText, UTCDateTime, utcnow


class Referral(Base):
    __tablename__ = "referrals"
    # The queue's referral filter is EXISTS (case_id = ? AND target = ? …); with case_id
    # leading, SQLite probes one case's referrals instead of every referral to the target.
    __table_args__ = (Index("ix_referrals_case_id_target", "case_id", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(32), index=True)
    # The routing rule that suggested it; None when a case manager added it.
    rule: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    history: Mapped[list[ReferralEvent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ReferralEvent.id"
    )


class ReferralEvent(Base):
    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(EncryptedText)
