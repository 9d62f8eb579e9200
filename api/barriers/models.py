"""Structural barriers met in a case: the feedback the KIM programme exists for."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base
from api.kit.types import EncryptedText, UTCDateTime, utcnow


class Barrier(Base):
    __tablename__ = "barriers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(64), index=True)
    # A service-directory id: the office or service where the barrier was met.
    service_id: Mapped[str | None] = mapped_column(String(64), index=True)
    goal: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(EncryptedText)
    author: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
