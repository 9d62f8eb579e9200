from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from api.contract import CaseOutcome, CaseStatus, Goal, Organisation, ReferralTarget, Urgency, Language
from api.intakes.schemas import IntakeRecord
from api.kit.schemas import ResponseModel, StrictModel, free_text


class CaseGoalRead(ResponseModel):
    code: Goal
    rule: str | None


class QueueItem(ResponseModel):
    """One row of the queue: enough to choose a case, nothing that identifies the person."""

    id: uuid.UUID
    status: CaseStatus
    urgency: Urgency
    language: Language
    district: str | None
    human_requested: bool
    goals: list[Goal]
    referrals: list[ReferralTarget]
    organisation: Organisation | None
    assignee_id: int | None
    created_at: datetime
    claimed_at: datetime | None
    waiting_minutes: int


class CaseEventRead(ResponseModel):
    at: datetime
    actor: str
    from_status: CaseStatus | None
    to_status: CaseStatus


class NoteRead(ResponseModel):
    id: int
    author: str
    created_at: datetime
    text: str


class RoutingDecisionRead(ResponseModel):
    id: int
    actor: str
    at: datetime
    action: Literal["confirm", "change"]
    goals_before: list[Goal]
    goals_after: list[Goal]
    referrals_before: list[ReferralTarget]
    referrals_after: list[ReferralTarget]
    suggestion_rules: list[str]
    reason: str | None


class CaseDetail(ResponseModel):
    id: uuid.UUID
    status: CaseStatus
    organisation: Organisation | None
    assignee_id: int | None
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    outcome: CaseOutcome | None
    routing_confirmed_at: datetime | None
    goals: list[CaseGoalRead]
    intake: IntakeRecord
    notes: list[NoteRead]
    history: list[CaseEventRead]
    routing_decisions: list[RoutingDecisionRead]


class StatusChange(StrictModel):
    status: CaseStatus
    outcome: CaseOutcome | None = None

    @model_validator(mode="after")
    def _outcome_only_when_closing(self) -> "StatusChange":
        if self.status == CaseStatus.closed and self.outcome is None:
            raise ValueError("closing a case needs an outcome")
        if self.status != CaseStatus.closed and self.outcome is not None:
            raise ValueError("an outcome is only given when closing a case")
        return self


class NoteCreate(StrictModel):
    text: free_text(5000, 1)  # type: ignore[valid-type]


class RoutingDecisionCreate(StrictModel):
    action: Literal["confirm", "change"]
    goals: list[Goal] | None = Field(default=None, max_length=8)
    referrals: list[ReferralTarget] | None = Field(default=None, max_length=9)
    reason: free_text(2000) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _change_needs_new_routing_and_reason(self) -> "RoutingDecisionCreate":
        if self.action == "confirm":
            if self.goals is not None or self.referrals is not None:
                raise ValueError("a confirmation takes no goals or referrals; use action 'change'")
            return self
        if self.goals is None and self.referrals is None:
            raise ValueError("a change gives the new goals, referrals or both")
        if not (self.reason and self.reason.strip()):
            raise ValueError("a change of routing needs a reason: it is what operators learn from")
        return self
