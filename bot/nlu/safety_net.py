"""An emergency safety net under the intent classifier.

A message that contains a phrase from data/emergency_phrases.yml becomes `emergency` with full
confidence, whatever DIET predicted: the classifier misses paraphrases it has not seen, and a
missed emergency is the one error the assistant must not make. Runs after the classifier and
before the FallbackClassifier.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Pattern, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.normalise import normalise_text

PHRASES = Path(__file__).resolve().parents[2] / "data" / "emergency_phrases.yml"
EMERGENCY = "emergency"


def compile_phrases(phrases: Iterable[str]) -> Pattern[str]:
    """One pattern for all phrases, on normalised words; `word*` matches any ending."""
    alternatives = []
    for phrase in phrases:
        words = []
        for raw in str(phrase).split():
            prefix = raw.endswith("*")
            word = normalise_text(raw.rstrip("*"))
            if word:
                words.append(re.escape(word) + (r"\w*" if prefix else ""))
        if words:
            alternatives.append(r"\s+".join(words))
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\w)")


def load_phrases(path: Path = PHRASES) -> Dict[str, List[str]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def is_emergency(text: str, pattern: Pattern[str]) -> bool:
    return bool(text) and bool(pattern.search(normalise_text(text)))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencySafetyNet(GraphComponent):
    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "EmergencySafetyNet":
        return cls()

    def __init__(self) -> None:
        # The phrases are data: a new phrase takes effect when the server restarts, no retraining.
        self.pattern = compile_phrases(p for phrases in load_phrases().values() for p in phrases)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not is_emergency(text, self.pattern):
                continue
            emergency = {"name": EMERGENCY, "confidence": 1.0}
            ranking = [i for i in message.get(INTENT_RANKING_KEY) or [] if i.get("name") != EMERGENCY]
            message.set(INTENT, emergency, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [emergency, *ranking], add_to_output=True)
        return messages
