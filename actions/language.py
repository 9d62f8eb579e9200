"""Which language the person writes in.

Order of evidence: an explicit choice (a button, "auf Deutsch bitte", the web chat's picker),
then the text of the message (script and vocabulary), then the channel's hint (Telegram's
language_code). Once a language is set it changes only on an explicit choice or when the person
clearly writes in another script; a German word in an Arabic conversation does not switch it.
"""
from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

import yaml

from actions import i18n
from actions.settings import REPO_ROOT

DETECTION_DATA = REPO_ROOT / "data" / "language_detection.yml"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class LanguageProfile:
    code: str
    script: str
    letters: frozenset
    words: frozenset


def script_of(char: str) -> Optional[str]:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for script in ("ARABIC", "CYRILLIC", "LATIN"):
        if name.startswith(script) or f" {script} " in name:
            return script.lower()
    return "other"


def _spacy_stop_words(code: str) -> Iterable[str]:
    """spaCy's stop-word list for a language, read as data (importing spaCy itself is slow)."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return ()
    path = Path(list(spec.submodule_search_locations)[0]) / "lang" / code / "stop_words.py"
    if not path.exists():
        return ()
    module_spec = importlib.util.spec_from_file_location(f"_wegweiser_stop_words_{code}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)  # type: ignore[union-attr]
    return getattr(module, "STOP_WORDS", ())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=1)
def profiles() -> Dict[str, LanguageProfile]:
    data = yaml.safe_load(DETECTION_DATA.read_text(encoding="utf-8"))["languages"]
    result = {}
    for code, entry in data.items():
        words = {_fold(w) for w in entry.get("words", [])}
        # Short stop words collide across languages of one script ("de", "en", "i"); keep longer ones.
        words |= {_fold(w) for w in _spacy_stop_words(code) if len(w) > 2}
        result[code] = LanguageProfile(code, entry["script"], frozenset(entry.get("letters", "")), frozenset(words))
    return result


@dataclass(frozen=True)
class Guess:
    language: Optional[str]
    script: Optional[str]
    confident: bool
    word_hits: int = 0


def detect(text: str) -> Guess:
    """Guess the language of one message from its script, letters and words."""
    text = _fold(text or "")
    scripts: Dict[str, int] = {}
    for char in text:
        script = script_of(char)
        if script:
            scripts[script] = scripts.get(script, 0) + 1
    if not scripts:
        return Guess(None, None, False)
    script = max(scripts, key=scripts.get)
    words = _WORD.findall(text)
    scores: Dict[str, float] = {}
    hits: Dict[str, int] = {}
    for code, profile in profiles().items():
        if code not in i18n.catalog():
            continue
        hits[code] = sum(1 for word in words if word in profile.words)
        score = float(hits[code])
        if profile.script == script:
            score += 0.5 + len(profile.letters & set(text))  # each telling letter counts once
        if score:
            scores[code] = score
    if not scores:
        return Guess(None, script, False)
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return Guess(best, script, best_score >= 1.5 and best_score > runner_up, hits[best])


def choose_language(
    current: Optional[str],
    text: str,
    explicit: Optional[str] = None,
    hint: Optional[str] = None,
) -> str:
    """The language to answer in after this message."""
    if explicit:
        return explicit
    guess = detect(text)
    if not current:
        if guess.confident:
            return guess.language  # type: ignore[return-value]
        if i18n.resolve_language(hint):
            return i18n.resolve_language(hint)  # type: ignore[return-value]
        return guess.language or i18n.DEFAULT_LANGUAGE
    current_script = profiles()[current].script if current in profiles() else None
    # German office names in an Arabic conversation are not a switch; a sentence in Russian is.
    if guess.confident and guess.script != current_script and guess.word_hits >= 2:
        return guess.language  # type: ignore[return-value]
    return current


def explicit_choice(latest_message: Dict[str, Any]) -> Optional[str]:
    """A language the person chose: the change_language entity or the web chat's picker."""
    metadata = latest_message.get("metadata") or {}
    chosen = metadata.get("language")
    intent = (latest_message.get("intent") or {}).get("name")
    if intent == "change_language":
        for entity in latest_message.get("entities") or []:
            if entity.get("entity") == "language":
                chosen = entity.get("value") or chosen
    return i18n.resolve_language(chosen)


def channel_hint(latest_message: Dict[str, Any]) -> Optional[str]:
    metadata = latest_message.get("metadata") or {}
    return metadata.get("language_hint")
