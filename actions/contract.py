"""The Wegweiser contract as Python constants: the one place codes come from.

Mirrors ``/work/shared/contract/README.md`` ("The Wegweiser contract") exactly. The names
are part of the product: keep them exactly; add where the product needs more, never rename
or drop one. Everything in the action server (routing, forms, the intake submission) takes
its codes from here, so a typo is an ``ImportError``/``KeyError`` and not a silent bug.

Pure stdlib on purpose: imported by the rasa-sdk action server (pydantic v1) and by tests.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

# --------------------------------------------------------------------------- languages
#: ISO 639-1 codes, in the contract's order. Adding a language is data only
#: (``data/nlu/<code>/`` + ``data/responses/<code>/``); this tuple is the contract's list.
LANGUAGES: tuple[str, ...] = ("de", "en", "ar", "fa", "uk", "ru", "tr")

#: English names of the languages (the contract's "language" column).
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "de": "German",
        "en": "English",
        "ar": "Arabic",
        "fa": "Farsi / Dari",
        "uk": "Ukrainian",
        "ru": "Russian",
        "tr": "Turkish",
    }
)

#: Right-to-left languages.
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa"})

#: The case managers' working language.
STAFF_LANGUAGE = "de"

# ----------------------------------------------------------------------------- intents
#: Need intents, each mapping to exactly one KIM case-management goal (contract table).
NEED_GOAL: Mapping[str, str] = MappingProxyType(
    {
        "need_residence": "residence",
        "need_naturalisation": "residence",
        "need_housing": "basic_needs",
        "need_money": "basic_needs",
        "need_language_course": "language",
        "need_education": "education_work",
        "need_work": "education_work",
        "need_health": "health",
        "need_mental_health": "mental_health",
        "need_network": "networks",
        "need_perspective": "perspectives",
    }
)

NEED_INTENTS: tuple[str, ...] = tuple(NEED_GOAL)

#: Conversation intents (contract table "Conversation").
CONVERSATION_INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "affirm",
    "deny",
    "thank",
    "help",
    "bot_challenge",
    "request_human",
    "emergency",
    "delete_my_data",
    "change_language",
    "out_of_scope",
    "inform",
)

#: Every intent of the contract: needs first, then conversation.
INTENTS: tuple[str, ...] = NEED_INTENTS + CONVERSATION_INTENTS

#: Entity the ``change_language`` intent carries.
ENTITY_LANGUAGE = "language"

# ------------------------------------------------------------------------------- goals
#: KIM case-management goals (Baustein 2 of the council paper), code -> German wording.
GOAL_NAMES_DE: Mapping[str, str] = MappingProxyType(
    {
        "residence": "Aufenthalt sichern und Bleibeperspektive entwickeln",
        "basic_needs": "Persönliche Bedarfe decken (Wohnen, Leben, Geld)",
        "language": "Zugang zu Sprache ermöglichen",
        "education_work": "Zugang zu Bildung, Ausbildung und Arbeit eröffnen",
        "health": "Zugang zu medizinischer Versorgung herstellen",
        "mental_health": "Psychische Stabilität sichern oder herstellen",
        "networks": "Bestehende Netzwerke stärken und neue entwickeln",
        "perspectives": "Persönliche Perspektiven (weiter-)entwickeln",
    }
)

GOALS: tuple[str, ...] = tuple(GOAL_NAMES_DE)

# --------------------------------------------------------------------------- referrals
#: Referral targets (Verweisberatung), code -> service name (contract "service" column).
REFERRAL_NAMES_DE: Mapping[str, str] = MappingProxyType(
    {
        "jmd": "Jugendmigrationsdienst",
        "mbe": "Migrationsberatung für erwachsene Zuwanderer",
        "jobcenter": "Jobcenter (SGB II, Bürgergeld)",
        "arbeitsagentur": "Agentur für Arbeit (SGB III)",
        "jugendamt": "Jugendamt (SGB VIII)",
        "sozialamt": "Sozialamt (SGB XII, AsylbLG)",
        "auslaenderbehoerde": "Ausländerbehörde",
        "einbuergerung": "Einbürgerungsstelle",
        "kim_case_management": "KIM case management (Sozialamt, Caritas, DRK, GGUA)",
    }
)

#: Who each referral target is for (contract "who it is for" column).
REFERRAL_AUDIENCE: Mapping[str, str] = MappingProxyType(
    {
        "jmd": "young people with migration history, 12 to 27",
        "mbe": "adults over 27",
        "jobcenter": "employable people who receive or need Bürgergeld",
        "arbeitsagentur": "job placement, vocational guidance outside SGB II",
        "jugendamt": "children, youth and families, Kita places",
        "sozialamt": "social assistance, asylum seekers' benefits",
        "auslaenderbehoerde": "residence law; Bleiberecht check (§ 25a, § 25b AufenthG)",
        "einbuergerung": "naturalisation",
        "kim_case_management": (
            "complex needs across several legal areas; Münster's focus themes: "
            "housing, (mental) health, qualification for work"
        ),
    }
)

REFERRALS: tuple[str, ...] = tuple(REFERRAL_NAMES_DE)

#: JMD age band (contract: "young people with migration history, 12 to 27"), inclusive.
JMD_AGE_MIN = 12
JMD_AGE_MAX = 27
#: MBE: "adults over 27", i.e. from 28 on.
MBE_AGE_MIN = 28

# ------------------------------------------------------------------------ intake slots
SLOT_LANGUAGE = "language"
SLOT_CONSENT = "consent"
SLOT_NICKNAME = "nickname"
SLOT_AGE = "age"
SLOT_RECEIVES_BENEFITS = "receives_benefits"
SLOT_RESIDENCE_STATUS = "residence_status"
SLOT_DISTRICT = "district"
SLOT_CONTACT_CHANNEL = "contact_channel"
SLOT_CONTACT_VALUE = "contact_value"

#: The intake form's slots (Rasa slot names), in the contract's order.
INTAKE_SLOTS: tuple[str, ...] = (
    SLOT_LANGUAGE,
    SLOT_CONSENT,
    SLOT_NICKNAME,
    SLOT_AGE,
    SLOT_RECEIVES_BENEFITS,
    SLOT_RESIDENCE_STATUS,
    SLOT_DISTRICT,
    SLOT_CONTACT_CHANNEL,
    SLOT_CONTACT_VALUE,
)

#: Optional slots (contract: "optional").
OPTIONAL_SLOTS: frozenset[str] = frozenset({SLOT_NICKNAME, SLOT_DISTRICT})

#: Extension (issue 7), not one of the contract's intake slots: the separate, optional consent
#: that the person's messages may be used, without names and numbers, to improve the assistant.
#: Asked once, right after a "yes" to ``consent``; anything but ``True`` means no.
SLOT_CONSENT_IMPROVE = "consent_improve"

RECEIVES_BENEFITS: tuple[str, ...] = ("buergergeld", "asylblg", "sgb12", "none", "unknown")

RESIDENCE_STATUS: tuple[str, ...] = (
    "asylum_pending",
    "duldung",
    "residence_permit",
    "settlement_permit",
    "temporary_protection_24",
    "eu_citizen",
    "german",
    "unknown",
)

CONTACT_CHANNELS: tuple[str, ...] = ("chat", "phone", "email", "in_person")

#: Contact channels that need a ``contact_value`` (phone number or e-mail).
CONTACT_CHANNELS_WITH_VALUE: frozenset[str] = frozenset({"phone", "email"})

#: Categorical slot -> its allowed values.
SLOT_VALUES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        SLOT_LANGUAGE: LANGUAGES,
        SLOT_RECEIVES_BENEFITS: RECEIVES_BENEFITS,
        SLOT_RESIDENCE_STATUS: RESIDENCE_STATUS,
        SLOT_CONTACT_CHANNEL: CONTACT_CHANNELS,
    }
)

# ----------------------------------------------------------------------- intake record
#: Channels an intake can arrive on.
CHANNELS: tuple[str, ...] = ("telegram", "webchat", "rest")

URGENCIES: tuple[str, ...] = ("normal", "high")

#: Case status: new -> claimed -> in_progress -> referred | closed (a closed case keeps
#: its outcome). The allowed transitions are the case API's business.
CASE_STATUSES: tuple[str, ...] = ("new", "claimed", "in_progress", "referred", "closed")

# ------------------------------------------------------------------ emergency numbers
#: Real, nationwide numbers (contract). Never invent any other contact data.
EMERGENCY_NUMBERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "fire_ambulance": ("112",),
        "police": ("110",),
        "telefonseelsorge": ("0800 111 0 111", "0800 111 0 222"),
        "hilfetelefon_gewalt_gegen_frauen": ("116 016",),
    }
)


def goal_for_need(intent: str) -> str:
    """The KIM goal of a need intent; ``KeyError`` for anything that is not a need."""
    return NEED_GOAL[intent]


__all__ = [name for name in globals() if name.isupper()] + ["goal_for_need"]
