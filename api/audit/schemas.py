from __future__ import annotations

from datetime import datetime

from api.kit.schemas import ResponseModel


class AuditEntryRead(ResponseModel):
    id: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    object_type: str
    object_id: str | None
