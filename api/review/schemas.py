"""The review-items interface (docs/interfaces.md) and the operators' inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from fastapi import Path as FastApiPath

from api.contract import ConversationIntent, Goal, Intent, Language, ReferralTarget
from api.kit.schemas import ResponseModel, StrictModel, free_text, line

# An intent name as the assistant reports it; not limited to the contract's, so that an
# item is never lost over a label the API does not know (the operator decides anyway).
INTENT_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
IntentName = Annotated[str, StringConstraints(pattern=INTENT_PATTERN)]
ItemId = Annotated[int, FastApiPath(ge=1, le=2**31 - 1)]  # a review item's id in a route
Confidence = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
MAX_TEXT = 4096  # Telegram's longest message
Source = Literal["fallback", "handover", "routing"]
Status = Literal["open", "accepted", "discarded"]


class RankedIntent(StrictModel):
    name: IntentName
    confidence: Confidence


class ReviewItemSubmission(StrictModel):
    conversation_id: line(256, 1)  # type: ignore[valid-type]
    message_id: line(128, 1)  # type: ignore[valid-type]
    language: Language
    text: free_text(MAX_TEXT, 1)  # type: ignore[valid-type]
    source: Literal["fallback", "handover"]
    predicted_intent: IntentName | None = None
    confidence: Confidence | None = None
    ranking: list[RankedIntent] = Field(default_factory=list, max_length=3)
    # Masked in the text, never stored.
    known_names: list[line(64)] = Field(default_factory=list, max_length=10)  # type: ignore[valid-type]

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("the text is empty")
        return text


class ReviewItemCreated(ResponseModel):
    id: int


class RoutingChange(ResponseModel):
    """What a case manager changed, for an item that came from a change of routing."""

    goals_before: list[Goal]
    goals_after: list[Goal]
    referrals_before: list[ReferralTarget]
    referrals_after: list[ReferralTarget]


class ReviewItemRead(ResponseModel):
    id: int
    source: Source
    status: Status
    language: Language
    text: str | None
    predicted_intent: str | None
    confidence: float | None
    ranking: list[RankedIntent]
    created_at: datetime
    routing: RoutingChange | None = None
    accepted_intent: str | None = None
    written: bool = False


class ReviewGroup(ResponseModel):
    language: Language
    intent: str | None
    count: int


class ReviewInbox(ResponseModel):
    groups: list[ReviewGroup]
    open: int
    # Accepted examples written to the training data since the current model was trained.
    waiting_for_training: int


class ReviewAccept(StrictModel):
    intent: Intent | ConversationIntent
