from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from api.contract import Goal, ReferralTarget
from api.kit.schemas import ResponseModel, StrictModel, free_text, line

LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


class ContactRead(ResponseModel):
    email: str
    phone: str
    url: str
    address: str


class OrganisationRead(ResponseModel):
    id: str
    name: str
    description: str
    contact: ContactRead
    needs_operator_review: bool
    last_verified: date | None
    updated_at: datetime
    updated_by: str | None


class ServiceRead(ResponseModel):
    id: str
    organisation_id: str
    organisation_name: str
    name: str
    description: str
    referral_target: ReferralTarget | None
    goals: list[Goal]
    eligibility: str
    minimum_age: int | None
    maximum_age: int | None
    languages: list[str]
    service_area: str
    application_process: str
    contact: ContactRead
    needs_operator_review: bool
    last_verified: date | None
    updated_at: datetime
    updated_by: str | None


class ContactUpdate(StrictModel):
    email: line(254) | None = None  # type: ignore[valid-type]
    phone: line(64) | None = None  # type: ignore[valid-type]
    url: line(512) | None = None  # type: ignore[valid-type]
    address: line(512) | None = None  # type: ignore[valid-type]


class _DirectoryUpdate(StrictModel):
    name: line(256, 1) | None = None  # type: ignore[valid-type]
    description: free_text(4000) | None = None  # type: ignore[valid-type]
    contact: ContactUpdate | None = None
    needs_operator_review: bool | None = None
    last_verified: date | None = None


class OrganisationUpdate(_DirectoryUpdate):
    pass


class ServiceUpdate(_DirectoryUpdate):
    eligibility: free_text(4000) | None = None  # type: ignore[valid-type]
    minimum_age: int | None = Field(default=None, ge=0, le=120)
    maximum_age: int | None = Field(default=None, ge=0, le=120)
    languages: list[LanguageCode] | None = Field(default=None, max_length=50)
    service_area: line(256) | None = None  # type: ignore[valid-type]
    application_process: free_text(4000) | None = None  # type: ignore[valid-type]
    goals: list[Goal] | None = Field(default=None, max_length=8)

    @model_validator(mode="after")
    def _age_range(self) -> "ServiceUpdate":
        if self.minimum_age is not None and self.maximum_age is not None and self.minimum_age > self.maximum_age:
            raise ValueError("minimum_age must not be above maximum_age")
        return self
