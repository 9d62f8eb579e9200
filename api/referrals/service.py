"""Referral life cycle: suggested -> sent -> accepted | declined, accepted -> completed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.contract import REFERRAL_TRANSITIONS, ReferralStatus, ReferralTarget
from api.kit.errors import conflict, not_found
from api.kit.types import utcnow
from api.referrals.models import Referral, ReferralEvent

# Referrals that still count as part of the case's routing.
ACTIVE = frozenset(set(ReferralStatus) - {ReferralStatus.withdrawn, ReferralStatus.declined})


class IllegalReferralTransition(Exception):
    pass


def of_case(session: Session, case_id: uuid.UUID) -> list[Referral]:
    return list(session.scalars(select(Referral).where(Referral.case_id == case_id).order_by(Referral.id)))


def active_targets(session: Session, case_id: uuid.UUID) -> list[str]:
    return [r.target for r in of_case(session, case_id) if r.status in ACTIVE]


def suggest(
    session: Session, case_id: uuid.UUID, targets: Iterable[tuple[ReferralTarget, str | None]], actor: str
) -> list[Referral]:
    created = []
    for target, rule in targets:
        referral = Referral(
            case_id=case_id, target=target.value, rule=rule, status=ReferralStatus.suggested.value
        )
        referral.history.append(
            ReferralEvent(actor=actor, from_status=None, to_status=ReferralStatus.suggested.value)
        )
        session.add(referral)
        created.append(referral)
    return created


def move(
    referral: Referral, to: ReferralStatus, actor: str, note: str | None = None
) -> Referral:
    current = ReferralStatus(referral.status)
    if to not in REFERRAL_TRANSITIONS[current]:
        allowed = ", ".join(sorted(REFERRAL_TRANSITIONS[current])) or "none"
        raise IllegalReferralTransition(
            f"a referral cannot go from {current.value} to {to.value} (allowed: {allowed})"
        )
    referral.history.append(
        ReferralEvent(actor=actor, from_status=current.value, to_status=to.value, note=note)
    )
    referral.status = to.value
    referral.updated_at = utcnow()
    return referral


# --- case managers' actions (shared by the JSON API and the case UI) ------------------


def add_to_case(session: Session, case_id: uuid.UUID, target: ReferralTarget, actor: str) -> Referral:
    if target.value in active_targets(session, case_id):
        raise conflict(f"the case has an open referral to {target.value} already")
    (referral,) = suggest(session, case_id, [(target, None)], actor=actor)
    session.commit()
    return referral


def change_status(
    session: Session, case_id: uuid.UUID, referral_id: int, to: ReferralStatus, actor: str, note: str | None
) -> Referral:
    referral = session.scalar(select(Referral).where(Referral.id == referral_id, Referral.case_id == case_id))
    if referral is None:
        raise not_found("referral not found")
    try:
        move(referral, to, actor, note)
    except IllegalReferralTransition as exc:
        raise conflict(str(exc)) from exc
    session.commit()
    return referral
