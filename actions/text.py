"""Cleaning what people type, and folding it so that the ways of typing one word compare equal.

Folding is the NLU pipeline's own normalisation (bot/nlu/normalise.py: case, diacritics,
umlauts, Arabic/Persian letter variants, ZWNJ, Eastern Arabic digits), so free-text answers
are matched against data/slot_values/*.yml exactly the way the classifier sees words.
"""
from __future__ import annotations

import re
import unicodedata

from bot.nlu.normalise import normalise_text
_CONTROL_OR_BIDI = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def clean(text: str, limit: int | None = None) -> str:
    """Text as the person meant it, safe to store: no control or bidi override characters."""
    text = _CONTROL_OR_BIDI.sub("", unicodedata.normalize("NFC", text or ""))
    text = _SPACES.sub(" ", text).strip()
    return text[:limit] if limit else text


def fold(text: str) -> str:
    """A comparison key: the same for "Bürgergeld", "burgergeld" and "BÜRGERGELD"."""
    return normalise_text(clean(text))


_DIGIT_TRANSLATION = {ord(c): str(unicodedata.digit(c)) for c in "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"}


def ascii_digits(text: str) -> str:
    """Eastern Arabic and Persian digits as 0-9, everything else unchanged."""
    return text.translate(_DIGIT_TRANSLATION)
