from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.kit.schemas import ResponseModel


class TrackerResult(ResponseModel):
    status: Literal["deleted", "not_found", "not_configured", "failed"]
    detail: str = ""


class ErasureResult(ResponseModel):
    deleted_intakes: int
    # Messages of the conversation in the operators' review inbox (docs/interfaces.md).
    deleted_review_items: int = 0
    # What happened to the conversation in the Rasa tracker store; "failed" means the
    # person's chat history may still exist there and someone has to follow up.
    trackers: list[TrackerResult] = Field(default_factory=list)
    complete: bool


class Export(ResponseModel):
    exported_at: str
    intakes: list[dict[str, Any]]
    # The conversation's messages kept for the review inbox (masked, as an operator sees them).
    review_items: list[dict[str, Any]] = []
