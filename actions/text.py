"""Folding text so that the ways people type one word compare equal.

Used to match free-text answers against data/slot_values/*.yml: case, diacritics, umlauts,
Arabic/Persian letter variants (ي/ی, ك/ک), ZWNJ, tatweel and Eastern Arabic digits.
"""
from __future__ import annotations

import re
import unicodedata

_LETTER_VARIANTS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ـ": None,  # tatweel
    "\u200c": None, "\u200d": None, "\u200e": None, "\u200f": None,  # ZWNJ/ZWJ and direction marks
    "ß": "ss", "ё": "е", "ı": "i",
})
_CONTROL_OR_BIDI = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def clean(text: str, limit: int | None = None) -> str:
    """Text as the person meant it, safe to store: no control or bidi override characters."""
    text = _CONTROL_OR_BIDI.sub("", unicodedata.normalize("NFC", text or ""))
    text = _SPACES.sub(" ", text).strip()
    return text[:limit] if limit else text


def fold(text: str) -> str:
    """A comparison key: same for "Bürgergeld", "burgergeld" and "BÜRGERGELD"."""
    text = unicodedata.normalize("NFKD", clean(text).casefold().translate(_LETTER_VARIANTS))
    out = []
    for char in text:
        if unicodedata.combining(char):
            continue  # umlaut dots, accents, Arabic harakat
        if char.isdigit():
            out.append(str(unicodedata.digit(char, char)))
        else:
            out.append(char)
    return _SPACES.sub(" ", "".join(out).translate(_LETTER_VARIANTS)).strip()
