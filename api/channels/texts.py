"""The bridges' own texts (`channels.*` labels in data/responses/<lang>/channels.yml).

Rasa renders the assistant's answers; what a bridge says by itself (Rasa is down, text only,
the web chat page and the privacy page) is read here. A language is supported when its folder
has a channels.yml: adding one is data only.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from actions.i18n import load_catalog, resolve_language

DEFAULT_LANGUAGE = "de"
RIGHT_TO_LEFT = {"ar", "fa"}


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """The `channels.*` labels of every language that has them (read by the assistant's loader)."""
    found = {}
    for lang, texts in load_catalog().items():
        labels = {k: v for k, v in texts["labels"].items() if k.startswith("channels.")}
        if labels:
            found[lang] = labels
    return found


def languages() -> list[str]:
    """Supported codes, German first (the case managers' language), then as the folders sort."""
    codes = sorted(catalog())
    return sorted(codes, key=lambda code: code != DEFAULT_LANGUAGE)


def resolve(code: Any) -> str | None:
    """The supported language a code means ("AR", "fa-IR", "prs" for Dari), else None.

    The same reading of language codes as the assistant's (actions/i18n.py is plain Python
    over data/responses/, importable from either environment).
    """
    resolved = resolve_language(code)
    return resolved if resolved in catalog() else None


def first_supported(*candidates: Any) -> str:
    for candidate in candidates:
        if resolved := resolve(candidate):
            return resolved
    return DEFAULT_LANGUAGE


def from_accept_language(header: str | None) -> str | None:
    """The first supported language of an Accept-Language header, by the client's weights."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        code, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, position, code))
    for _, _, code in sorted(ranked):
        if resolved := resolve(code):
            return resolved
    return None


def label(language: str, key: str, **values: Any) -> str:
    text = catalog()[first_supported(language)][f"channels.{key}"]
    return text.format(**values) if values else text


def labels(language: str, prefix: str) -> dict[str, str]:
    """Every `channels.<prefix>.*` label of a language, keyed by the rest of the name."""
    start = f"channels.{prefix}."
    return {k[len(start):]: v for k, v in catalog()[first_supported(language)].items() if k.startswith(start)}


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def language_names(codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, the language's own name) for a picker."""
    return [(code, catalog()[code]["channels.language_name"]) for code in (codes or languages())]
