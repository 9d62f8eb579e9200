"""The Wegweiser contract's codes (shared/contract/README.md) as the case API uses them.

Every schema, model and test of the API takes its codes from here. The codes the assistant
shares with the API (languages, channels, intents, goals, referral targets, slot values, urgency,
case status) are listed once, in `actions/contract.py` (plain Python, importable by both
environments); this module makes them enums. Codes only the API has (roles, organisations,
outcomes, referral status) are defined here. Codes may be added where the product needs more;
a contract code is never renamed or dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from actions import contract as codes


def codes_enum(name: str, values: Iterable[str]) -> type[StrEnum]:
    """A StrEnum whose members are named as their codes (``Goal.health == "health"``)."""
    return StrEnum(name, [(value, value) for value in values], module=__name__)


# The codes the API shares with the assistant (values and order as in actions/contract.py).
Language = codes_enum("Language", codes.LANGUAGES)
Channel = codes_enum("Channel", codes.CHANNELS)
Urgency = codes_enum("Urgency", codes.URGENCIES)
CaseStatus = codes_enum("CaseStatus", codes.CASE_STATUSES)
Goal = codes_enum("Goal", codes.GOALS)
ReferralTarget = codes_enum("ReferralTarget", codes.REFERRALS)
BenefitStatus = codes_enum("BenefitStatus", codes.RECEIVES_BENEFITS)
ResidenceStatus = codes_enum("ResidenceStatus", codes.RESIDENCE_STATUS)
ContactChannel = codes_enum("ContactChannel", codes.CONTACT_CHANNELS)
# The needs, and "emergency": not a need with a goal, but the words of an emergency message are
# kept with an urgent intake (urgency high) so the case manager sees what happened.
Intent = codes_enum("Intent", codes.NEED_INTENTS + ("emergency",))
# The other conversation intents ("emergency" is in `Intent`).
ConversationIntent = codes_enum("ConversationIntent", (i for i in codes.CONVERSATION_INTENTS if i != "emergency"))

# Every intent the assistant is trained on: what an operator may label a message with.
TRAINING_INTENTS: tuple[str, ...] = codes.INTENTS

GOAL_LABELS_DE: dict[Goal, str] = {Goal(code): name for code, name in codes.GOAL_NAMES_DE.items()}

# Needs whose words are health data (Art. 9 GDPR). All need texts are encrypted at rest;
# this set is what exports and reports treat as special category.
HEALTH_INTENTS = frozenset({Intent.need_health, Intent.need_mental_health})

# Queue order: urgent first. A number sorts and indexes well on every database.
URGENCY_RANK: dict[Urgency, int] = {Urgency.high: 0, Urgency.normal: 1}

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


# German names for the case UI and the reports: the case managers' working language.
# Goals use the programme's own wording (GOAL_LABELS_DE above); the rest follows the contract.
LANGUAGE_LABELS_DE: dict[Language, str] = {
    Language.de: "Deutsch",
    Language.en: "Englisch",
    Language.ar: "Arabisch",
    Language.fa: "Farsi / Dari",
    Language.uk: "Ukrainisch",
    Language.ru: "Russisch",
    Language.tr: "Türkisch",
}
RTL_LANGUAGES = frozenset({Language.ar, Language.fa})

CHANNEL_LABELS_DE: dict[Channel, str] = {
    Channel.rest: "REST-Schnittstelle",
    Channel.telegram: "Telegram",
    Channel.webchat: "Web-Chat",
}

INTENT_LABELS_DE: dict[Intent, str] = {
    Intent.need_residence: "Aufenthalt (Erlaubnis, Duldung, Asylentscheidung, Pass, Verlängerung)",
    Intent.need_naturalisation: "Einbürgerung",
    Intent.need_housing: "Wohnung",
    Intent.need_money: "Geld zum Leben, Leistungen, Schulden",
    Intent.need_language_course: "Deutschkurs",
    Intent.need_education: "Schule, Kita, Anerkennung, Ausbildung, Studium",
    Intent.need_work: "Arbeit",
    Intent.need_health: "Gesundheit",
    Intent.need_mental_health: "Psychische Gesundheit",
    Intent.need_network: "Kontakte, Vereine, Ehrenamt",
    Intent.need_perspective: "Orientierung, Perspektive",
    Intent.emergency: "Notfall",
}

CONVERSATION_INTENT_LABELS_DE: dict[ConversationIntent, str] = {
    ConversationIntent.greet: "Begrüßung",
    ConversationIntent.goodbye: "Verabschiedung",
    ConversationIntent.affirm: "Zustimmung (ja)",
    ConversationIntent.deny: "Ablehnung (nein)",
    ConversationIntent.thank: "Dank",
    ConversationIntent.help: "Frage nach Hilfe zum Assistenten",
    ConversationIntent.bot_challenge: "Frage, ob ein Mensch schreibt",
    ConversationIntent.request_human: "Wunsch nach einer Person",
    ConversationIntent.delete_my_data: "Daten löschen",
    ConversationIntent.change_language: "Sprache wechseln",
    ConversationIntent.out_of_scope: "Außerhalb des Angebots",
    ConversationIntent.inform: "Antwort auf eine Frage (Alter, Stadtteil, …)",
}

REFERRAL_TARGET_LABELS_DE: dict[ReferralTarget, str] = {
    ReferralTarget.jmd: "Jugendmigrationsdienst",
    ReferralTarget.mbe: "Migrationsberatung für erwachsene Zuwanderer",
    ReferralTarget.jobcenter: "Jobcenter (SGB II, Bürgergeld)",
    ReferralTarget.arbeitsagentur: "Agentur für Arbeit (SGB III)",
    ReferralTarget.jugendamt: "Jugendamt (SGB VIII)",
    ReferralTarget.sozialamt: "Sozialamt (SGB XII, AsylbLG)",
    ReferralTarget.auslaenderbehoerde: "Ausländerbehörde",
    ReferralTarget.einbuergerung: "Einbürgerungsstelle",
    ReferralTarget.kim_case_management: "KIM-Case-Management",
}

BENEFIT_LABELS_DE: dict[BenefitStatus, str] = {
    BenefitStatus.buergergeld: "Bürgergeld (SGB II)",
    BenefitStatus.asylblg: "Leistungen nach AsylbLG",
    BenefitStatus.sgb12: "Sozialhilfe (SGB XII)",
    BenefitStatus.none: "keine Leistungen",
    BenefitStatus.unknown: "unbekannt",
}

RESIDENCE_STATUS_LABELS_DE: dict[ResidenceStatus, str] = {
    ResidenceStatus.asylum_pending: "Asylverfahren läuft",
    ResidenceStatus.duldung: "Duldung",
    ResidenceStatus.residence_permit: "Aufenthaltserlaubnis",
    ResidenceStatus.settlement_permit: "Niederlassungserlaubnis",
    ResidenceStatus.temporary_protection_24: "Vorübergehender Schutz (§ 24 AufenthG)",
    ResidenceStatus.eu_citizen: "EU-Bürgerin / EU-Bürger",
    ResidenceStatus.german: "deutsche Staatsangehörigkeit",
    ResidenceStatus.unknown: "unbekannt",
}

CONTACT_CHANNEL_LABELS_DE: dict[ContactChannel, str] = {
    ContactChannel.chat: "Chat",
    ContactChannel.phone: "Telefon",
    ContactChannel.email: "E-Mail",
    ContactChannel.in_person: "persönlich",
}

URGENCY_LABELS_DE: dict[Urgency, str] = {Urgency.normal: "normal", Urgency.high: "dringend"}

CASE_STATUS_LABELS_DE: dict[CaseStatus, str] = {
    CaseStatus.new: "neu",
    CaseStatus.claimed: "übernommen",
    CaseStatus.in_progress: "in Bearbeitung",
    CaseStatus.referred: "weitervermittelt",
    CaseStatus.closed: "abgeschlossen",
}

CASE_OUTCOME_LABELS_DE: dict[CaseOutcome, str] = {
    CaseOutcome.goals_reached: "Ziele erreicht",
    CaseOutcome.partly_reached: "Ziele teilweise erreicht",
    CaseOutcome.referred_on: "weitervermittelt",
    CaseOutcome.no_contact: "kein Kontakt zustande gekommen",
    CaseOutcome.withdrawn: "von der Person zurückgezogen",
    CaseOutcome.not_eligible: "nicht zuständig / nicht berechtigt",
}

REFERRAL_STATUS_LABELS_DE: dict[ReferralStatus, str] = {
    ReferralStatus.suggested: "vorgeschlagen",
    ReferralStatus.sent: "verwiesen",
    ReferralStatus.accepted: "angenommen",
    ReferralStatus.declined: "abgelehnt",
    ReferralStatus.completed: "abgeschlossen",
    ReferralStatus.withdrawn: "zurückgenommen",
}

ROLE_LABELS_DE: dict[Role, str] = {
    Role.bot: "Assistent",
    Role.case_manager: "Case-Management",
    Role.coordinator: "Koordination",
    Role.operator: "Betrieb",
    Role.admin: "Administration",
}

ORGANISATION_LABELS_DE: dict[Organisation, str] = {
    Organisation.sozialamt: "Sozialamt",
    Organisation.caritas: "Caritas",
    Organisation.drk: "DRK",
    Organisation.ggua: "GGUA",
}
