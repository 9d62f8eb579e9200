"""Masking what identifies a person in a message, before it is stored or anyone reads it.

Pure functions, no state: `mask(text, known_names)` replaces links, e-mail addresses,
IBAN-like account numbers, dates, phone numbers, other long digit runs (IDs), the names the
conversation already knows (the nickname) and names after an explicit name phrase in the
seven languages ("my name is", "ich heiße", "اسمي", "اسم من", "меня зовут", "мене звати",
"benim adım", …) with a placeholder. "Ich bin X" is no name phrase: it is how people say
what they are ("ich bin krank", "ich bin Lehrerin").

Digits are found in every script (Arabic-Indic ٠١٢ and Persian ۰۱۲ as well as 0-9), so a
phone number typed on an Arabic or Persian keyboard is masked like any other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

EMAIL = "⟨E-Mail⟩"
PHONE = "⟨Telefon⟩"
NUMBER = "⟨Nummer⟩"
LINK = "⟨Link⟩"
DATE = "⟨Datum⟩"
NAME = "⟨Name⟩"
PLACEHOLDERS = (EMAIL, PHONE, NUMBER, LINK, DATE, NAME)

# A run of this many digits is an identifier or a phone number; shorter ones (ages, years,
# postcodes, "B1", "§ 25b") stay, because they are what the message is about.
MIN_DIGITS = 6
# An IBAN has at least 12 digits after its country code; fewer is some other code.
MIN_IBAN_DIGITS = 10

_URL = re.compile(r"(?i)(?<![\w@])(?:https?://|www\.)[^\s<>\"'⟨⟩]+")
_URL_TRAILING = ".,;:!?)]}»\"'"
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_IBAN = re.compile(r"(?i)(?<!\w)[a-z]{2}\d{2}(?:[ ]?[a-z\d]{4}){2,7}(?:[ ]?[a-z\d]{1,4})?(?!\w)")
_DATE = re.compile(r"(?<!\d)\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?!\d)")
# Digits with the separators people type in phone numbers: spaces, dashes, slashes,
# brackets ("+49 (0)251 12 34-5", "0176/1234567"), optionally after a "+".
_NUMBER_RUN = re.compile(r"(?<!\d)\+?\(?\d(?:[ \u00a0\-/()]{0,3}\d)*")

# A name: starts with a letter; apostrophes, hyphens and ZWNJ may sit inside.
_WORD = r"[^\W\d_][\w'’ʼ\-\u200c]*"
_NAME_LEAD = (
    # English
    r"my\s+name\s+is",
    r"my\s+name['’]s",
    r"i\s+am\s+called",
    r"i['’]?m\s+called",
    # German
    r"ich\s+hei(?:ße|sse|se|ss)",
    r"mein\s+(?:vor|nach)?name\s+(?:ist|lautet)",
    # Arabic ("my name is", optionally "my name is he: …")
    r"[اإ]سمي(?:\s+هو)?",
    # Farsi / Dari ("my name", "my name is")
    r"اسم\s+من(?:\s+هست)?",
    r"نام\s+من",
    r"اسمم",
    # Russian
    r"меня\s+зовут",
    r"мо[её]\s+имя",
    r"моя\s+фамилия",
    # Ukrainian
    r"мене\s+(?:звати|звуть)",
    r"мо[єе]\s+ім['’ʼ]?я",
    r"моє\s+прізвище",
)
# Turkish "adım" also means "step" ("ilk adım"): a name phrase only at the start of a
# sentence or after "benim", "merhaba", "selam".
_TURKISH_LEAD = r"(?:(?<![^\s.!?,;:])(?:benim|merhaba|selam)[\s,]+|(?:^|(?<=[.!?,;:\n]))\s*)(?:ad[ıi]m|ism[ıi]m)"
_NAME_PHRASE = re.compile(
    rf"(?P<lead>(?:(?<!\w)(?:{'|'.join(_NAME_LEAD)})|{_TURKISH_LEAD})\s*[:\-–]?\s*)"
    rf"(?P<first>{_WORD})(?P<rest>\s+{_WORD})?",
    re.IGNORECASE | re.MULTILINE,
)
# Words that follow a first name without being a family name.
_NOT_A_NAME = frozenset(
    """
    and i im am from with und ich aus bin mit von wohne suche brauche habe
    и я из мне мені з та
    ve ben yaşında yasinda
    و من انا أنا است هست هستم هو عمري عمرم ساله سال اهل از در ابحث أبحث اريد أريد عندي لدي میخواهم می‌خواهم
    """.split()
)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def _url(match: re.Match) -> str:
    url = match.group()
    kept = url.rstrip(_URL_TRAILING)
    return LINK + url[len(kept):]


def _iban(match: re.Match) -> str:
    run = match.group()
    return NUMBER if sum(ch.isdigit() for ch in run) >= MIN_IBAN_DIGITS else run


def _number(match: re.Match) -> str:
    run = match.group()
    digits = [ch for ch in run if ch.isdigit()]
    if len(digits) < MIN_DIGITS:
        return run
    # International (+49, 0049) or German (0176 …, 0251/…) form: a phone number.
    if run.lstrip("(").startswith("+") or unicodedata.digit(digits[0]) == 0:
        return PHONE
    return NUMBER


def _is_family_name(word: str) -> bool:
    """Whether the word after a first name is part of the name."""
    if word.casefold() in _NOT_A_NAME:
        return False
    if _ARABIC_SCRIPT.search(word):
        # No capitals in Arabic script; "و…" there is "and …".
        return not word.startswith("و")
    return word[:1].isupper()


def _name_phrase(match: re.Match) -> str:
    rest = match.group("rest")
    if rest and _is_family_name(rest.strip()):
        return match.group("lead") + NAME
    return match.group("lead") + NAME + (rest or "")


def _known_name_patterns(known_names: Iterable[str]) -> list[re.Pattern]:
    """The names themselves and their parts of three letters or more, longest first."""
    variants: set[str] = set()
    for name in known_names:
        name = unicodedata.normalize("NFC", " ".join(str(name).split()))
        if len(name) >= 2:
            variants.add(name)
            variants.update(part for part in re.findall(_WORD, name) if len(part) >= 3)
    return [
        re.compile(rf"(?<!\w){re.escape(v)}(?!\w)", re.IGNORECASE)
        for v in sorted(variants, key=lambda v: (-len(v), v))
    ]


def mask(text: str, known_names: Iterable[str] = ()) -> str:
    """The text with every piece of personal data this module knows replaced by a placeholder."""
    text = unicodedata.normalize("NFC", text)
    text = _URL.sub(_url, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _IBAN.sub(_iban, text)
    text = _DATE.sub(DATE, text)
    text = _NUMBER_RUN.sub(_number, text)
    for pattern in _known_name_patterns(known_names):
        text = pattern.sub(NAME, text)
    return _NAME_PHRASE.sub(_name_phrase, text)
