"""The one place that knows the Wegweiser contract's codes (shared/contract/README.md).

Every schema, model and test takes its codes from here. Codes may be added where the
product needs more; a contract code is never renamed or dropped.
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    de = "de"
    en = "en"
    ar = "ar"
    fa = "fa"
    uk = "uk"
    ru = "ru"
    tr = "tr"


class Channel(StrEnum):
    rest = "rest"
    telegram = "telegram"
    webchat = "webchat"


class Intent(StrEnum):
    need_residence = "need_residence"
    need_naturalisation = "need_naturalisation"
    need_housing = "need_housing"
    need_money = "need_money"
    need_language_course = "need_language_course"
    need_education = "need_education"
    need_work = "need_work"
    need_health = "need_health"
    need_mental_health = "need_mental_health"
    need_network = "need_network"
    need_perspective = "need_perspective"


class Goal(StrEnum):
    residence = "residence"
    basic_needs = "basic_needs"
    language = "language"
    education_work = "education_work"
    health = "health"
    mental_health = "mental_health"
    networks = "networks"
    perspectives = "perspectives"


GOAL_LABELS_DE: dict[Goal, str] = {
    Goal.residence: "Aufenthalt sichern und Bleibeperspektive entwickeln",
    Goal.basic_needs: "Persönliche Bedarfe decken (Wohnen, Leben, Geld)",
    Goal.language: "Zugang zu Sprache ermöglichen",
    Goal.education_work: "Zugang zu Bildung, Ausbildung und Arbeit eröffnen",
    Goal.health: "Zugang zu medizinischer Versorgung herstellen",
    Goal.mental_health: "Psychische Stabilität sichern oder herstellen",
    Goal.networks: "Bestehende Netzwerke stärken und neue entwickeln",
    Goal.perspectives: "Persönliche Perspektiven (weiter-)entwickeln",
}

INTENT_GOAL: dict[Intent, Goal] = {
    Intent.need_residence: Goal.residence,
    Intent.need_naturalisation: Goal.residence,
    Intent.need_housing: Goal.basic_needs,
    Intent.need_money: Goal.basic_needs,
    Intent.need_language_course: Goal.language,
    Intent.need_education: Goal.education_work,
    Intent.need_work: Goal.education_work,
    Intent.need_health: Goal.health,
    Intent.need_mental_health: Goal.mental_health,
    Intent.need_network: Goal.networks,
    Intent.need_perspective: Goal.perspectives,
}

# Needs whose words are health data (Art. 9 GDPR). All need texts are encrypted at rest;
# this set is what exports and reports treat as special category.
HEALTH_INTENTS = frozenset({Intent.need_health, Intent.need_mental_health})


class ReferralTarget(StrEnum):
    jmd = "jmd"
    mbe = "mbe"
    jobcenter = "jobcenter"
    arbeitsagentur = "arbeitsagentur"
    jugendamt = "jugendamt"
    sozialamt = "sozialamt"
    auslaenderbehoerde = "auslaenderbehoerde"
    einbuergerung = "einbuergerung"
    kim_case_management = "kim_case_management"


class BenefitStatus(StrEnum):
    buergergeld = "buergergeld"
    asylblg = "asylblg"
    sgb12 = "sgb12"
    none = "none"
    unknown = "unknown"


class ResidenceStatus(StrEnum):
    asylum_pending = "asylum_pending"
    duldung = "duldung"
    residence_permit = "residence_permit"
    settlement_permit = "settlement_permit"
    temporary_protection_24 = "temporary_protection_24"
    eu_citizen = "eu_citizen"
    german = "german"
    unknown = "unknown"


class ContactChannel(StrEnum):
    chat = "chat"
    phone = "phone"
    email = "email"
    in_person = "in_person"


class Urgency(StrEnum):
    normal = "normal"
    high = "high"


# Queue order: urgent first. A number sorts and indexes well on every database.
URGENCY_RANK: dict[Urgency, int] = {Urgency.high: 0, Urgency.normal: 1}


class CaseStatus(StrEnum):
    new = "new"
    claimed = "claimed"
    in_progress = "in_progress"
    referred = "referred"
    closed = "closed"


# new -> claimed happens only by claiming (which also sets the organisation).
CASE_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.new: frozenset({CaseStatus.claimed}),
    CaseStatus.claimed: frozenset({CaseStatus.in_progress}),
    CaseStatus.in_progress: frozenset({CaseStatus.referred, CaseStatus.closed}),
    CaseStatus.referred: frozenset({CaseStatus.closed}),
    CaseStatus.closed: frozenset(),
}
OPEN_CASE_STATUSES = frozenset({CaseStatus.new, CaseStatus.claimed, CaseStatus.in_progress})
FINISHED_CASE_STATUSES = frozenset({CaseStatus.referred, CaseStatus.closed})


class CaseOutcome(StrEnum):
    """Kept on a closed case (contract: "A closed case keeps its outcome")."""

    goals_reached = "goals_reached"
    partly_reached = "partly_reached"
    referred_on = "referred_on"
    no_contact = "no_contact"
    withdrawn = "withdrawn"
    not_eligible = "not_eligible"


class ReferralStatus(StrEnum):
    suggested = "suggested"
    sent = "sent"
    accepted = "accepted"
    declined = "declined"
    completed = "completed"
    # Added by the case API: a suggestion a case manager removed when changing the routing.
    withdrawn = "withdrawn"


REFERRAL_TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.suggested: frozenset({ReferralStatus.sent, ReferralStatus.withdrawn}),
    ReferralStatus.sent: frozenset({ReferralStatus.accepted, ReferralStatus.declined}),
    ReferralStatus.accepted: frozenset({ReferralStatus.completed}),
    ReferralStatus.declined: frozenset(),
    ReferralStatus.completed: frozenset(),
    ReferralStatus.withdrawn: frozenset(),
}


class Role(StrEnum):
    bot = "bot"
    case_manager = "case_manager"
    coordinator = "coordinator"
    operator = "operator"
    admin = "admin"


# Roles that log in with a password; the bot is a service account with its own token.
USER_ROLES = frozenset({Role.case_manager, Role.coordinator, Role.operator, Role.admin})


class Organisation(StrEnum):
    """The KIM case-management organisations named in the council paper."""

    sozialamt = "sozialamt"
    caritas = "caritas"
    drk = "drk"
    ggua = "ggua"
