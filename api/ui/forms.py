"""German messages for what the schemas and services refuse, keyed by form field."""

from __future__ import annotations

from fastapi import HTTPException
from pydantic import ValidationError

# Pages and refusals without a more precise message, by HTTP status.
ERROR_TEXTS = {
    401: "Bitte melden Sie sich an.",
    403: "Diese Seite ist für Ihre Rolle nicht freigegeben.",
    404: "Diese Seite gibt es nicht, oder der Fall ist für Ihre Organisation nicht sichtbar.",
    409: "Das geht im jetzigen Zustand nicht.",
    413: "Die Eingabe ist zu groß.",
    422: "Die Eingabe ist ungültig.",
}

# Substrings of the services' (English, API-facing) refusals and what a case manager reads.
SERVICE_MESSAGES = [
    ("claimed already", "Der Fall wurde inzwischen von jemand anderem übernommen."),
    ("claim the case before", "Bitte übernehmen Sie den Fall zuerst."),
    ("a case cannot go from", "Dieser Statuswechsel ist im jetzigen Zustand nicht möglich."),
    ("routing of a closed case", "Die Zuordnung eines abgeschlossenen Falls kann nicht mehr geändert werden."),
    ("open referral to", "Für diese Stelle gibt es schon eine offene Weitervermittlung."),
    ("a referral cannot go from", "Dieser Statuswechsel der Weitervermittlung ist nicht möglich."),
    (
        "record its outcome instead",
        "Eine schon verschickte Weitervermittlung kann nicht entfernt werden; tragen Sie stattdessen ihr Ergebnis ein.",
    ),
    ("referral not found", "Diese Weitervermittlung gibt es nicht."),
    ("unknown barrier category", "Bitte eine Kategorie aus der Liste wählen."),
    ("no service with this id", "Diese Stelle steht nicht im Dienstverzeichnis."),
    ("minimum_age must not be above", "Das Mindestalter darf nicht über dem Höchstalter liegen."),
    ("closing a case needs an outcome", "Zum Abschließen bitte ein Ergebnis wählen."),
    ("an outcome is only given when closing", "Ein Ergebnis wird nur beim Abschließen angegeben."),
    ("needs a reason", "Eine Änderung der Zuordnung braucht eine Begründung."),
    ("gives the new goals", "Bitte wählen Sie die neuen Ziele oder Stellen."),
    ("control characters", "Die Eingabe enthält unzulässige Steuerzeichen."),
    ("review item was decided already", "Dieser Eintrag wurde inzwischen schon entschieden."),
]

TYPE_MESSAGES = {
    "missing": "Bitte ausfüllen.",
    "string_too_short": "Bitte ausfüllen.",
    "enum": "Bitte einen Wert aus der Liste wählen.",
    "literal_error": "Bitte einen Wert aus der Liste wählen.",
    "int_parsing": "Bitte eine ganze Zahl eingeben.",
    "date_parsing": "Bitte ein Datum eingeben (TT.MM.JJJJ).",
    "date_from_datetime_parsing": "Bitte ein Datum eingeben (TT.MM.JJJJ).",
    "greater_than_equal": "Der Wert ist zu klein.",
    "less_than_equal": "Der Wert ist zu groß.",
    "string_pattern_mismatch": "Das Format stimmt nicht.",
    "too_long": "Zu viele Einträge.",
}


def _service_message(text: str) -> str | None:
    for fragment, german in SERVICE_MESSAGES:
        if fragment in text:
            return german
    return None


def form_errors(exc: ValidationError) -> dict[str, str]:
    """Field name -> German message; errors of the whole form are under "_"."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc") or ("_",)
        # Nested contact fields are named by their own field in the form.
        field = str(loc[1]) if loc[0] == "contact" and len(loc) > 1 else str(loc[0])
        kind = error.get("type", "")
        if kind == "string_too_long":
            message = f"Zu lang (höchstens {error.get('ctx', {}).get('max_length', '?')} Zeichen)."
        else:
            message = _service_message(str(error.get("msg", ""))) or TYPE_MESSAGES.get(kind, "Ungültige Eingabe.")
        errors.setdefault(field, message)
    return errors


def problem_text(exc: HTTPException) -> str:
    detail = exc.detail
    if isinstance(detail, list):
        detail = " ".join(str(item.get("msg", "")) for item in detail if isinstance(item, dict))
    return _service_message(str(detail)) or ERROR_TEXTS.get(exc.status_code, "Das hat nicht geklappt.")
