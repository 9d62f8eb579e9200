"""The intake record of the contract (docs/interfaces.md), validated strictly."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import AwareDatetime, Field, field_validator, model_validator

from api.contract import (
    BenefitStatus,
    CaseStatus,
    Channel,
    ContactChannel,
    Goal,
    Intent,
    Language,
    ReferralTarget,
    ResidenceStatus,
    Urgency,
)
from api.kit.schemas import StrictModel, free_text, line

_PHONE = re.compile(r"^\+?[0-9][0-9 ()/\-]{4,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ITEMS = 20


class Consent(StrictModel):
    # Documented as `const: true`; the validator explains why anything else is refused.
    given: bool = Field(json_schema_extra={"const": True})
    given_at: AwareDatetime
    text_version: line(64, 1)  # type: ignore[valid-type]
    improve_service: bool = False

    @field_validator("given")
    @classmethod
    def _must_be_given(cls, given: bool) -> bool:
        if not given:
            raise ValueError("an intake is only stored with the person's consent (given: true)")
        return given


class Contact(StrictModel):
    channel: ContactChannel = ContactChannel.chat
    value: line(254) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _value_fits_channel(self) -> "Contact":
        if self.channel == ContactChannel.phone and not (self.value and _PHONE.match(self.value)):
            raise ValueError("contact channel 'phone' needs a phone number as value")
        if self.channel == ContactChannel.email and not (self.value and _EMAIL.match(self.value)):
            raise ValueError("contact channel 'email' needs an e-mail address as value")
        return self


class Need(StrictModel):
    intent: Intent
    text: free_text(2000)  # type: ignore[valid-type]
    confidence: float = Field(ge=0.0, le=1.0, allow_inf_nan=False)


class SuggestedGoal(StrictModel):
    code: Goal
    rule: line(128, 1)  # type: ignore[valid-type]


class SuggestedReferral(StrictModel):
    code: ReferralTarget
    rule: line(128, 1)  # type: ignore[valid-type]


class IntakeSubmission(StrictModel):
    conversation_id: line(256, 1)  # type: ignore[valid-type]
    channel: Channel
    language: Language
    consent: Consent
    nickname: line(64) | None = None  # type: ignore[valid-type]
    age: int | None = Field(default=None, ge=0, le=120)
    receives_benefits: BenefitStatus = BenefitStatus.unknown
    residence_status: ResidenceStatus = ResidenceStatus.unknown
    district: line(64) | None = None  # type: ignore[valid-type]
    contact: Contact = Field(default_factory=Contact)
    needs: list[Need] = Field(default_factory=list, max_length=MAX_ITEMS)
    goals: list[SuggestedGoal] = Field(default_factory=list, max_length=MAX_ITEMS)
    referrals: list[SuggestedReferral] = Field(default_factory=list, max_length=MAX_ITEMS)
    urgency: Urgency = Urgency.normal
    human_requested: bool = False
    # The separate, optional consent that the person's messages may improve the service
    # (review inbox). `consent.improve_service` says the same for older senders; either counts.
    consent_improve: bool = False


class IntakeRecord(IntakeSubmission):
    """What the API hands back: the submission plus what the server made."""

    id: uuid.UUID
    idempotency_key: str
    status: CaseStatus
    created_at: datetime


class ErasureRequest(StrictModel):
    conversation_id: line(256, 1)  # type: ignore[valid-type]
