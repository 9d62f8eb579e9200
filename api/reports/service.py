"""Aggregates for coordinators. Nothing here returns a person's data, and every count
below the threshold is withheld so that no small group can be singled out."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.barriers.models import Barrier
from api.cases.models import Case, CaseGoal, RoutingDecision
from api.intakes.models import Intake
from api.referrals.models import Referral
from api.reports.schemas import Count, PairCount, Summary


class Suppressor:
    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    def count(self, key: str, value: int) -> Count:
        hidden = value < self.threshold
        return Count(key=key, count=None if hidden else value, suppressed=hidden)

    def counts(self, pairs) -> list[Count]:
        return [self.count(str(key) if key is not None else "unknown", int(n)) for key, n in pairs]


def _bounds(period_from: date | None, period_to: date | None):
    start = datetime.combine(period_from, time.min, tzinfo=UTC) if period_from else None
    end = (
        datetime.combine(period_to + timedelta(days=1), time.min, tzinfo=UTC)
        if period_to and period_to < date.max
        else None
    )
    return start, end


def _in_period(column, start, end):
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def _grouped(session: Session, column, *where, join=None) -> list[tuple[str, int]]:
    query = select(column, func.count()).select_from(Intake)
    for target, on in join or []:
        query = query.join(target, on)
    query = query.where(*where).group_by(column).order_by(func.count().desc(), column)
    return [(key, n) for key, n in session.execute(query)]


def summary(
    session: Session, threshold: int, period_from: date | None = None, period_to: date | None = None
) -> Summary:
    s = Suppressor(threshold)
    start, end = _bounds(period_from, period_to)
    intake_period = _in_period(Intake.created_at, start, end)
    with_case = [(Case, Case.id == Intake.id)]

    total = session.scalar(select(func.count()).select_from(Intake).where(*intake_period)) or 0
    months = Counter(
        created.strftime("%Y-%m")
        for created in session.scalars(select(Intake.created_at).where(*intake_period))
    )
    claims = [
        (claimed - created).total_seconds() / 60
        for created, claimed in session.execute(
            select(Intake.created_at, Case.claimed_at)
            .join(Case, Case.id == Intake.id)
            .where(Case.claimed_at.is_not(None), *intake_period)
        )
    ]
    barrier_period = _in_period(Barrier.created_at, start, end)
    barrier_pairs = session.execute(
        select(Barrier.category, Barrier.service_id, func.count())
        .where(*barrier_period)
        .group_by(Barrier.category, Barrier.service_id)
        .order_by(func.count().desc())
    ).all()
    routing_changes = session.scalar(
        select(func.count())
        .select_from(RoutingDecision)
        .where(RoutingDecision.action == "change", *_in_period(RoutingDecision.at, start, end))
    ) or 0

    return Summary(
        period_from=period_from,
        period_to=period_to,
        suppression_threshold=threshold,
        intakes=s.count("intakes", total),
        cases_by_status=s.counts(_grouped(session, Case.status, *intake_period, join=with_case)),
        intakes_by_month=s.counts(sorted(months.items())),
        intakes_by_goal=s.counts(
            _grouped(session, CaseGoal.code, *intake_period, join=[(CaseGoal, CaseGoal.case_id == Intake.id)])
        ),
        intakes_by_language=s.counts(_grouped(session, Intake.language, *intake_period)),
        intakes_by_district=s.counts(_grouped(session, Intake.district, *intake_period)),
        referrals_by_target=s.counts(
            _grouped(session, Referral.target, *intake_period, join=[(Referral, Referral.case_id == Intake.id)])
        ),
        referrals_by_status=s.counts(
            _grouped(session, Referral.status, *intake_period, join=[(Referral, Referral.case_id == Intake.id)])
        ),
        barriers_by_category=s.counts(_sum_by(barrier_pairs, 0)),
        barriers_by_service=s.counts(_sum_by(barrier_pairs, 1)),
        barriers_by_category_and_service=[
            PairCount(
                category=category,
                service_id=service_id,
                count=None if n < threshold else n,
                suppressed=n < threshold,
            )
            for category, service_id, n in barrier_pairs
        ],
        routing_changes=s.count("routing_changes", routing_changes),
        median_minutes_to_claim=round(median(claims), 1) if len(claims) >= threshold else None,
        claims_measured=s.count("claims", len(claims)),
    )


def _sum_by(rows, index: int) -> list[tuple[str, int]]:
    totals: Counter = Counter()
    for row in rows:
        totals[row[index]] += row[2]
    return totals.most_common()
