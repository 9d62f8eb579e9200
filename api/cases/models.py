"""A case is the work on one intake: who has it, where it stands, what was decided."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.intakes.models import Intake
from api.kit.types import EncryptedText, UTCDateTime, utcnow


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_organisation", "status", "organisation"),
        Index("ix_cases_queue_order", "urgency_rank", "created_at"),
    )

    # One case per intake, sharing its id: the id a case manager sees is the intake's.
    id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))
    organisation: Mapped[str | None] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))
    routing_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Copies of the intake's queue attributes; `created_at` is the intake's time too. An intake
    # is never edited, so they cannot go stale. With them the queue filters, sorts and counts
    # on `cases` alone: joining every open case to its intake made a page cost O(queue), over
    # 100 ms at 100,000 intakes (docs/benchmarks.md, "Case API").
    language: Mapped[str] = mapped_column(String(8), index=True)
    urgency_rank: Mapped[int] = mapped_column(Integer)
    district: Mapped[str | None] = mapped_column(String(64))

    intake: Mapped[Intake] = relationship()
    goals: Mapped[list[CaseGoal]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CaseGoal.id"
    )


class CaseGoal(Base):
    """The case's current goals: the suggestion until a case manager changes it."""

    __tablename__ = "case_goals"
    # The queue's goal filter is EXISTS (case_id = ? AND code = ?); without this index SQLite
    # probes ix_case_goals_code for every candidate case (20 s at 100,000 intakes).
    __table_args__ = (Index("ix_case_goals_case_id_code", "case_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Looked up by case through ix_case_goals_case_id_code (case_id leads).
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32), index=True)
    rule: Mapped[str | None] = mapped_column(String(128))


class CaseEvent(Base):
    """History of claims and status changes (who, when, from, to)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(EncryptedText)


class RoutingDecision(Base):
    """A confirmation or change of the suggested routing: a training signal for operators."""

    __tablename__ = "routing_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(16))
    goals_before: Mapped[list] = mapped_column(JSON)
    goals_after: Mapped[list] = mapped_column(JSON)
    referrals_before: Mapped[list] = mapped_column(JSON)
    referrals_after: Mapped[list] = mapped_column(JSON)
    # Rules that produced the suggestion, so operators can find the rule to fix.
    suggestion_rules: Mapped[list] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(EncryptedText)
