"""Service directory in fields aligned with Open Referral HSDS (organization, service,
eligibility, language, service_area, application_process, contact)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.kit.types import UTCDateTime, utcnow


class ContactFields:
    """Filled in by operators only: seed data never invents contact details."""

    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(String(512), default="")
    address: Mapped[str] = mapped_column(String(512), default="")
    needs_operator_review: Mapped[bool] = mapped_column(Boolean, default=True)
    last_verified: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class DirectoryOrganisation(ContactFields, Base):
    __tablename__ = "directory_organisations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")

    services: Mapped[list[DirectoryService]] = relationship(
        back_populates="organisation", order_by="DirectoryService.id"
    )


class DirectoryService(ContactFields, Base):
    __tablename__ = "directory_services"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("directory_organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    # The contract's referral target this service stands for, where it is one.
    referral_target: Mapped[str | None] = mapped_column(String(32), index=True)
    goals: Mapped[list] = mapped_column(JSON, default=list)
    eligibility: Mapped[str] = mapped_column(Text, default="")
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    service_area: Mapped[str] = mapped_column(String(256), default="")
    application_process: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[DirectoryOrganisation] = relationship(back_populates="services")
