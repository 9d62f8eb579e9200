from __future__ import annotations

import uuid
from datetime import datetime

from api.contract import Goal
from api.kit.schemas import ResponseModel, StrictModel, free_text, line


class BarrierCategory(ResponseModel):
    code: str
    label: str


class BarrierCreate(StrictModel):
    category: line(64, 1)  # type: ignore[valid-type]
    service_id: line(64) | None = None  # type: ignore[valid-type]
    goal: Goal | None = None
    note: free_text(2000) | None = None  # type: ignore[valid-type]


class BarrierRead(ResponseModel):
    id: int
    case_id: uuid.UUID
    category: str
    service_id: str | None
    goal: Goal | None
    note: str | None
    author: str
    created_at: datetime
