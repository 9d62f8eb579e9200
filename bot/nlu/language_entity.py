"""LanguageNameExtractor: finds the language a person asks for ("auf Deutsch bitte", "بالعربي").

Learnt from the `language` annotations in the training data (`[Deutsch]{"entity": "language",
"value": "de"}`): every annotated word, normalised like the tokens, names its language code.
A word of the message names a language when it is such a word, or an inflected form of one
(the same stem: "німецькою" beside "німецька", "almancaya" beside "almanca"). Adding a
language stays data only: annotate its names in its training data.

Only the `change_language` intent acts on the entity (actions/language.py), so "ich will Deutsch
lernen" may carry `de` and still be a language-course need.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
    TEXT_TOKENS,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalise import normalise_text, strip_arabic_proclitics
from bot.nlu.stored import StoredComponent

ENTITY = "language"
MIN_STEM = 4  # shorter words must match exactly ("ru" is no stem of anything)
def stem_match(word: str, name: str) -> int:
    """Length of the shared stem when ``word`` is an inflected form of ``name``, else 0."""
    word, name = strip_arabic_proclitics(word), strip_arabic_proclitics(name)
    if word == name:
        return len(word) + 1  # an exact match beats any stem
    shared = 0
    for a, b in zip(word, name):
        if a != b:
            break
        shared += 1
    shorter = min(len(word), len(name))
    if shared >= MIN_STEM and shared >= shorter - 2:
        return shared
    return 0


def find_language(word: str, names: Dict[str, str]) -> Optional[str]:
    best: Tuple[int, Optional[str]] = (0, None)
    for name, code in names.items():
        score = stem_match(word, name)
        if score > best[0]:
            best = (score, code)
    return best[1]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageNameExtractor(StoredComponent, EntityExtractorMixin):
    """Extracts the `language` entity from annotated language names and their inflections."""

    STATE_FILE = "language_names.json"

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @staticmethod
    def write_state(path: Path, state: Dict[str, str]) -> None:
        path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def read_state(path: Path) -> Dict[str, str]:
        return json.loads(path.read_text(encoding="utf-8"))

    @property
    def names(self) -> Dict[str, str]:
        return self.state or {}

    def train(self, training_data: TrainingData) -> Resource:
        names: Dict[str, str] = {}
        for example in training_data.entity_examples:
            text = example.get(TEXT) or ""
            for entity in example.get(ENTITIES) or []:
                if entity.get(ENTITY_ATTRIBUTE_TYPE) != ENTITY:
                    continue
                span = text[entity[ENTITY_ATTRIBUTE_START] : entity[ENTITY_ATTRIBUTE_END]]
                words = normalise_text(span).split()
                if words:  # "[на русском]": the name is the longest word, not the preposition
                    name = max(words, key=len)
                    names[name] = str(entity.get(ENTITY_ATTRIBUTE_VALUE) or name)
        return self.keep(dict(sorted(names.items())))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = []
            for token in message.get(TEXT_TOKENS) or []:
                code = find_language(token.text, self.names)
                if code:
                    found.append(
                        {
                            ENTITY_ATTRIBUTE_TYPE: ENTITY,
                            ENTITY_ATTRIBUTE_START: token.start,
                            ENTITY_ATTRIBUTE_END: token.end,
                            ENTITY_ATTRIBUTE_VALUE: code,
                            EXTRACTOR: self.__class__.__name__,
                        }
                    )
            if found:
                message.set(ENTITIES, [*message.get(ENTITIES, []), *found], add_to_output=True)
        return messages
