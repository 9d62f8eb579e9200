from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.audit.models import AuditEntry
from api.audit.schemas import AuditEntryRead
from api.auth.deps import Admin
from api.kit.deps import SessionDep
from api.kit.pagination import Page, PageDep, paginate
from api.kit.errors import responses

router = APIRouter(tags=["audit"])


@router.get("/api/audit", response_model=Page[AuditEntryRead], responses=responses(403, 422))
def list_audit_entries(
    session: SessionDep,
    _admin: Admin,
    page: PageDep,
    actor: Annotated[str | None, Query(max_length=64, pattern=r"^[\w.@-]+$")] = None,
) -> Page[AuditEntryRead]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor == actor)
    rows, total = paginate(session, query, page)
    return Page[AuditEntryRead](
        items=[AuditEntryRead.model_validate(r) for r in rows], total=total, **page.model_dump()
    )
