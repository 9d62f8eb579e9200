from __future__ import annotations

from datetime import date

from api.kit.schemas import ResponseModel


class Count(ResponseModel):
    """A count below the threshold is withheld (count null, suppressed true)."""

    key: str
    count: int | None
    suppressed: bool


class PairCount(ResponseModel):
    category: str
    service_id: str | None
    count: int | None
    suppressed: bool


class Summary(ResponseModel):
    period_from: date | None
    period_to: date | None
    suppression_threshold: int
    intakes: Count
    cases_by_status: list[Count]
    intakes_by_month: list[Count]
    intakes_by_goal: list[Count]
    intakes_by_language: list[Count]
    intakes_by_district: list[Count]
    referrals_by_target: list[Count]
    referrals_by_status: list[Count]
    barriers_by_category: list[Count]
    barriers_by_service: list[Count]
    barriers_by_category_and_service: list[PairCount]
    routing_changes: Count
    # Median minutes from intake to claim; null when fewer claims than the threshold.
    median_minutes_to_claim: float | None
    claims_measured: Count
