"""The chat texts of every language, read from data/responses/<lang>/*.yml.

Responses (utter_*) are rendered by Rasa from the generated domain; labels are short strings
the action server composes into messages (service names, reasons, field names). A language is
supported when its folder exists: adding one is data only.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

from actions.settings import REPO_ROOT

RESPONSES_DIR = REPO_ROOT / "data" / "responses"
DEFAULT_LANGUAGE = "de"


def load_catalog(root: Path = RESPONSES_DIR) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """{lang: {"responses": {...}, "labels": {...}}} merged from every file of a language.

    A key defined twice within one language is an error: two files would silently fight.
    """
    catalog: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        merged: Dict[str, Dict[str, Any]] = {"responses": {}, "labels": {}}
        for path in sorted(lang_dir.glob("*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            unknown = set(content) - {"responses", "labels"}
            if unknown:
                raise ValueError(f"{path}: unknown top-level keys {sorted(unknown)}")
            for section in ("responses", "labels"):
                for key, value in (content.get(section) or {}).items():
                    if key in merged[section]:
                        raise ValueError(f"{path}: {section} key {key!r} is defined twice in {lang_dir.name}")
                    merged[section][key] = value
        catalog[lang_dir.name] = merged
    return catalog


@lru_cache(maxsize=1)
def catalog() -> Dict[str, Dict[str, Dict[str, Any]]]:
    return load_catalog()



_ALIASES = {"prs": "fa", "dari": "fa", "per": "fa", "fas": "fa", "ara": "ar", "ukr": "uk", "rus": "ru", "tur": "tr", "deu": "de", "ger": "de", "eng": "en"}


def resolve_language(code: Any) -> Optional[str]:
    """The supported language a code or hint means ("AR", "fa-IR", "prs" for Dari), else None."""
    if not code:
        return None
    base = str(code).strip().lower().replace("_", "-").split("-")[0]
    base = _ALIASES.get(base, base)
    return base if base in catalog() else None


def normalise_language(code: Any) -> str:
    return resolve_language(code) or DEFAULT_LANGUAGE



def label(language: str, key: str, **values: Any) -> str:
    """A label in the person's language. A missing key is a KeyError (tests catch it), never German."""
    text = catalog()[normalise_language(language)]["labels"][key]
    return text.format(**values) if values else text
