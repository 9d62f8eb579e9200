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
    # Not a need with a goal: the words of an emergency message, kept with an urgent intake
    # (urgency high) so the case manager sees what happened.
    emergency = "emergency"


class ConversationIntent(StrEnum):
    """The contract's conversation intents ("emergency" is one too; it is in `Intent`)."""

    greet = "greet"
    goodbye = "goodbye"
    affirm = "affirm"
    deny = "deny"
    thank = "thank"
    help = "help"
    bot_challenge = "bot_challenge"
    request_human = "request_human"
    delete_my_data = "delete_my_data"
    change_language = "change_language"
    out_of_scope = "out_of_scope"
    inform = "inform"


# Every intent the assistant is trained on: what an operator may label a message with.
TRAINING_INTENTS: tuple[str, ...] = tuple(i.value for i in Intent) + tuple(c.value for c in ConversationIntent)


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
