from __future__ import annotations

import uuid
from datetime import datetime

from api.contract import ReferralStatus, ReferralTarget
from api.kit.schemas import ResponseModel, StrictModel, free_text


class ReferralEventRead(ResponseModel):
    at: datetime
    actor: str
    from_status: ReferralStatus | None
    to_status: ReferralStatus
    note: str | None


class ReferralRead(ResponseModel):
    id: int
    case_id: uuid.UUID
    target: ReferralTarget
    rule: str | None
    status: ReferralStatus
    created_at: datetime
    updated_at: datetime
    history: list[ReferralEventRead]


class ReferralCreate(StrictModel):
    target: ReferralTarget


class ReferralStatusChange(StrictModel):
    status: ReferralStatus
    note: free_text(2000) | None = None  # type: ignore[valid-type]
