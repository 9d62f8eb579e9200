from __future__ import annotations

from sqlalchemy.orm import Session

from api.audit.models import AuditEntry
from api.auth.service import Principal


def record(
    session: Session, principal: Principal, action: str, object_type: str, object_id: object = None
) -> None:
    """Add an audit entry to the session; it is committed with the request's work."""
    session.add(
        AuditEntry(
            actor=principal.username,
            actor_role=principal.role.value,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
        )
    )
