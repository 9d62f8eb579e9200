"""Reading the person's answers to the intake questions, from buttons or free text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from actions.settings import REPO_ROOT
from actions.text import ascii_digits, clean, fold

SLOT_VALUES_DIR = REPO_ROOT / "data" / "slot_values"
CATEGORICAL = ("receives_benefits", "residence_status", "contact_channel")
_WORD_CHARS = r"[^\W_]"


@dataclass(frozen=True)
class Keyword:
    folded: str
    value: str
    pattern: re.Pattern


@lru_cache(maxsize=1)
def _keywords() -> Dict[str, List[Keyword]]:
    """{question: [keywords, longest first]} from every language's slot_values file."""
    table: Dict[str, Dict[str, str]] = {}
    for path in sorted(Path(SLOT_VALUES_DIR).glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for question, entries in content.items():
            question = {True: "yes", False: "no"}.get(question, question)  # YAML reads yes/no as booleans
            bucket = table.setdefault(question, {})
            if isinstance(entries, list):  # skip / yes / no: a flat list
                entries = {question: entries}
            for value, words in entries.items():
                for word in words:
                    if not isinstance(word, str):  # yes/no/on/off unquoted become booleans in YAML
                        raise ValueError(f"{path.name}: {question}/{value}: {word!r} is not text; quote it")
                    bucket.setdefault(fold(word), value)
    return {
        question: sorted(
            (Keyword(w, v, re.compile(rf"(?<!{_WORD_CHARS}){re.escape(w)}(?!{_WORD_CHARS})")) for w, v in words.items()),
            key=lambda k: -len(k.folded),
        )
        for question, words in table.items()
    }


def match_keyword(question: str, text: str) -> Optional[str]:
    folded = fold(text)
    for keyword in _keywords().get(question, []):
        if keyword.pattern.search(folded):
            return keyword.value
    return None


def button_answer(text: str) -> Optional[str]:
    """The value of an `/inform{"answer": "..."}` button payload, if the message is one."""
    match = re.match(r'^/inform\{"answer":\s*"([^"]{1,64})"\}$', (text or "").strip())
    return match.group(1) if match else None


def is_skip(text: str) -> bool:
    return button_answer(text) == "skip" or match_keyword("skip", text) is not None


def yes_or_no(text: str, intent: Optional[str]) -> Optional[bool]:
    if intent == "affirm" or (text or "").startswith("/affirm"):
        return True
    if intent == "deny" or (text or "").startswith("/deny"):
        return False
    folded_no = match_keyword("no", text)
    folded_yes = match_keyword("yes", text)
    if folded_yes and not folded_no:
        return True
    if folded_no and not folded_yes:
        return False
    return None


def parse_category(question: str, text: str, allowed: Tuple[str, ...]) -> Optional[str]:
    value = button_answer(text)
    if value in allowed:
        return value
    value = match_keyword(question, text)
    return value if value in allowed else None


_NUMBER = re.compile(r"-?\d+")


def parse_age(text: str) -> Optional[int]:
    """Whole years from "27", "ich bin 27", "٢٧ سنة"; None when there is no plausible age."""
    numbers = [int(n) for n in _NUMBER.findall(ascii_digits(clean(text)))]
    if len(numbers) != 1:
        return None
    age = numbers[0]
    return age if 0 < age < 120 else None


_PHONE_ALLOWED = re.compile(r"^\+?[\d\s()/.\-]{6,24}$")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,190}\.[^@\s<>\"'.]{2,24}$")


def parse_phone(text: str) -> Optional[str]:
    candidate = ascii_digits(clean(text))
    if not _PHONE_ALLOWED.match(candidate):
        return None
    digits = re.sub(r"\D", "", candidate)
    if not 6 <= len(digits) <= 15:
        return None
    return ("+" if candidate.startswith("+") else "") + digits


def parse_email(text: str) -> Optional[str]:
    candidate = clean(text).strip()
    return candidate if _EMAIL.match(candidate) else None


def parse_free_text(text: str, limit: int) -> Optional[str]:
    """A name or district as typed, cleaned; None for nothing usable (empty, only symbols)."""
    value = clean(text, limit)
    if value.startswith("/") or not re.search(_WORD_CHARS, value):
        return None
    return value
