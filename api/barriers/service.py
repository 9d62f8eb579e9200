"""Recording the structural barriers met in a case (shared by the JSON API and the case UI)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.service import Principal
from api.barriers.catalogue import catalogue
from api.barriers.models import Barrier
from api.barriers.schemas import BarrierCreate
from api.cases.models import Case
from api.kit.errors import unprocessable
from api.services.models import DirectoryService


def of_case(session: Session, case_id: uuid.UUID) -> list[Barrier]:
    return list(session.scalars(select(Barrier).where(Barrier.case_id == case_id).order_by(Barrier.id)))


def record(session: Session, principal: Principal, case: Case, body: BarrierCreate) -> Barrier:
    if body.category not in catalogue():
        raise unprocessable(
            ["body", "category"],
            f"unknown barrier category; choose one of: {', '.join(catalogue())}",
        )
    if body.service_id is not None and session.get(DirectoryService, body.service_id) is None:
        raise unprocessable(["body", "service_id"], "no service with this id in the service directory")
    barrier = Barrier(
        case_id=case.id,
        category=body.category,
        service_id=body.service_id,
        goal=body.goal.value if body.goal else None,
        note=body.note,
        author=principal.username,
        organisation=principal.organisation.value if principal.organisation else None,
    )
    session.add(barrier)
    session.commit()
    return barrier
