from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from api.auth.deps import Coordinator
from api.kit.deps import SessionDep, SettingsDep
from api.kit.errors import responses, unprocessable
from api.reports import service
from api.reports.schemas import Summary

router = APIRouter(tags=["reports"])


@router.get("/api/reports/summary", response_model=Summary, responses=responses(403, 422))
def report_summary(
    session: SessionDep,
    settings: SettingsDep,
    _coordinator: Coordinator,
    period_from: date | None = None,
    period_to: date | None = None,
) -> Summary:
    """Aggregates for the steering group, with small counts withheld."""
    if period_from and period_to and period_from > period_to:
        raise unprocessable(["query", "period_from"], "period_from must not be after period_to")
    return service.summary(session, settings.small_count_threshold, period_from, period_to)
