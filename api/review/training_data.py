"""Accepted examples written to the assistant's training data, in an order that diffs cleanly.

Each language gets `<training_data_dir>/<lang>/reviewed.yml` in Rasa's NLU YAML: intents
sorted by name, examples sorted by their casefolded text, one example a line, so every
accept adds exactly one line. Texts are compared the way the assistant sees them
(`bot.nlu.normalise.normalise_text`): an example that the training data already has under
another intent (in any language), or that belongs to a held-out set, is refused.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from api.settings import Settings
from bot.nlu.normalise import normalise_text

REVIEWED_FILE = "reviewed.yml"
HEADER = (
    "# Examples operators accepted in the review inbox (case UI, /ui/review). Written by the\n"
    "# case API: intents by name, examples by text, one a line. Edit by hand only in that order.\n"
    'version: "3.1"\n'
    "nlu:\n"
)
# Rasa's entity markup, "[Münster](district)" or '[Münster]{"entity": "district"}'.
_ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_in_process = threading.Lock()


class Refused(Exception):
    """The example cannot go into the training data; the message is German, for the UI."""


@dataclass(frozen=True)
class Example:
    intent: str
    text: str  # as written in the file
    key: str  # as the assistant sees it
    language: str = ""


def example_line(text: str) -> str:
    """The text as one example line: one line, and no brackets Rasa would read as entity markup."""
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def comparison_key(text: str) -> str:
    return normalise_text(_ENTITY_MARKUP.sub(r"\1", text))


_parsed: dict[Path, tuple[tuple[int, int], list[Example]]] = {}


def _examples_in(path: Path) -> list[Example]:
    """The examples of one Rasa NLU file, read (and normalised) again only when it changed."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _parsed.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_LOADER) or {}
    found: list[Example] = []
    for block in data.get("nlu") or []:
        if not isinstance(block, dict) or not block.get("intent"):
            continue
        examples = block.get("examples") or ""
        lines = examples.splitlines() if isinstance(examples, str) else [e.get("text", "") for e in examples]
        for raw in lines:
            text = raw.strip()
            text = text[2:].strip() if text.startswith("- ") else text
            if text:
                found.append(Example(str(block["intent"]), text, comparison_key(text), path.parent.name))
    _parsed[path] = (stamp, found)
    return found


def _examples_under(folder: Path, pattern: str) -> Iterator[Example]:
    for path in sorted(folder.glob(pattern)):
        yield from _examples_in(path)


def render(blocks: dict[str, list[str]]) -> str:
    parts = [HEADER]
    for intent in sorted(blocks):
        parts.append(f"- intent: {intent}\n  examples: |\n")
        for text in sorted(set(blocks[intent]), key=lambda t: (t.casefold(), t)):
            parts.append(f"    - {text}\n")
    return "".join(parts)


@contextmanager
def _locked(settings: Settings) -> Iterator[None]:
    """One writer at a time, across threads and across the API's worker processes."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    with _in_process, (settings.var_dir / "training-data.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def add_example(settings: Settings, language: str, intent: str, text: str) -> bool:
    """Write the example; False when the training data has it under this intent already.

    Raises Refused when it is empty to the assistant, held out, or known under another intent."""
    line = example_line(text)
    key = comparison_key(line)
    if not key:
        raise Refused("Der Text enthält keine Wörter, aus denen der Assistent lernen kann.")
    with _locked(settings):
        if not settings.heldout_dir.is_dir():
            # Without them nobody can tell whether the text is held out: no guessing.
            raise Refused(f"Die Testdaten fehlen ({settings.heldout_dir}); ohne sie wird nichts übernommen.")
        if any(e.key == key for e in _examples_under(settings.heldout_dir, "*.yml")):
            raise Refused(
                "Dieser Text steht in den Testdaten (data/heldout), an denen der Assistent gemessen wird; "
                "auf ihnen wird nie trainiert."
            )
        known = [e for e in _examples_under(settings.training_data_dir, "*/*.yml") if e.key == key]
        other = next((e for e in known if e.intent != intent), None)
        if other is not None:
            raise Refused(
                f"Dieser Text steht in den Trainingsdaten schon unter einer anderen Absicht "
                f"({other.intent}, Sprache {other.language}). Ein Beispiel darf nur zu einer Absicht gehören."
            )
        if known:
            return False
        path = settings.training_data_dir / language / REVIEWED_FILE
        blocks: dict[str, list[str]] = defaultdict(list)
        if path.exists():
            for existing in _examples_in(path):
                blocks[existing.intent].append(existing.text)
        blocks[intent].append(line)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{REVIEWED_FILE}.tmp")
        temporary.write_text(render(blocks), encoding="utf-8")
        os.replace(temporary, path)
    return True
