"""Templates and the filters that turn codes, times and a person's words into German text.

Autoescape is on for every template: whatever a person typed reaches the page as text.
Their words also pass `person_text`, which takes out the bidi controls that could make
text display in another order than it was written (the "Trojan Source" trick); the
templates wrap them in <bdi> so right-to-left text cannot reorder what stands around it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates

from api import contract
from api.barriers.catalogue import catalogue

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
LOCAL_TIME = ZoneInfo("Europe/Berlin")

# Embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI).
# Marks (LRM, RLM, ALM) and ZWNJ/ZWJ stay: Farsi and Arabic spelling needs them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_REPLACEMENT = "\ufffd"


def person_text(value: object) -> str:
    """A person's words with bidi embedding/override controls made visible and harmless."""
    if value is None:
        return ""
    return BIDI_CONTROLS.sub(BIDI_REPLACEMENT, str(value))


LABELS: dict[str, dict] = {
    "goal": contract.GOAL_LABELS_DE,
    "language": contract.LANGUAGE_LABELS_DE,
    "channel": contract.CHANNEL_LABELS_DE,
    "intent": contract.INTENT_LABELS_DE,
    # Every intent the assistant is trained on: the needs and the conversation intents.
    "training_intent": contract.INTENT_LABELS_DE | contract.CONVERSATION_INTENT_LABELS_DE,
    "referral": contract.REFERRAL_TARGET_LABELS_DE,
    "benefits": contract.BENEFIT_LABELS_DE,
    "residence": contract.RESIDENCE_STATUS_LABELS_DE,
    "contact": contract.CONTACT_CHANNEL_LABELS_DE,
    "urgency": contract.URGENCY_LABELS_DE,
    "status": contract.CASE_STATUS_LABELS_DE,
    "outcome": contract.CASE_OUTCOME_LABELS_DE,
    "referral_status": contract.REFERRAL_STATUS_LABELS_DE,
    "role": contract.ROLE_LABELS_DE,
    "organisation": contract.ORGANISATION_LABELS_DE,
}


def label(code: object, kind: str) -> str:
    """The German name of a contract code; an unknown code is shown as it is."""
    if code is None:
        return "–"
    if kind == "barrier":
        return catalogue().get(str(code), str(code))
    labels = LABELS[kind]
    key = getattr(code, "value", code)
    for known, text in labels.items():
        if known.value == key:
            return text
    return str(key)


def local_time(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "–"
    local = value.astimezone(LOCAL_TIME)
    return local.strftime("%d.%m.%Y, %H:%M Uhr" if with_time else "%d.%m.%Y")


def german_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def duration(minutes: float | int | None) -> str:
    """Minutes as "2 Tg. 3 Std.", "3 Std. 5 Min." or "12 Min."."""
    if minutes is None:
        return "–"
    minutes = int(round(minutes))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} Tg. {hours} Std."
    if hours:
        return f"{hours} Std. {mins} Min."
    return f"{mins} Min."


def text_direction(language: object) -> str:
    code = getattr(language, "value", language)
    return "rtl" if code in {lang.value for lang in contract.RTL_LANGUAGES} else "ltr"


def number(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        # Every template, whatever its name: no page may ever print unescaped input.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        label=label,
        person=person_text,
        local_time=local_time,
        german_date=german_date,
        duration=duration,
        direction=text_direction,
        number=number,
    )
    env.globals.update(contract=contract, labels=LABELS, barrier_catalogue=catalogue)
    return env


templates = Jinja2Templates(env=_environment())


def page_offset(request: Request) -> int:
    """The list's `offset` from the address; anything unreadable is the first page."""
    try:
        return max(0, min(int(request.query_params.get("offset", 0)), 1_000_000))
    except ValueError:
        return 0


def render(request: Request, name: str, context: dict, status_code: int = 200):
    """A page: the template with the user, the CSRF token and the new nonce cookie."""
    from api.ui.session import csrf_token, set_csrf_cookie

    context = {"principal": None, "message": None, "error": None, "nav": None, **context}
    context["csrf_token"] = csrf_token(request)
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    set_csrf_cookie(response, request)
    return response
