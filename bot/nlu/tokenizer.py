"""WegweiserTokenizer: a whitespace tokenizer whose tokens carry normalised text.

Each token keeps ``start``/``end`` into the ORIGINAL message text (so entity
annotations and extracted entity values stay valid), while ``token.text`` and
``token.lemma`` hold the normalised spelling that the featurizers see
(see :mod:`bot.nlu.normalise`). A message with no word left (emoji only,
punctuation only, control characters) yields zero tokens: the featurizers then
add no features, DIET predicts no intent (confidence 0.0) and the
FallbackClassifier turns that into ``nlu_fallback``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.normalise import NormalisationOptions, normalise_tokens


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class WegweiserTokenizer(WhitespaceTokenizer):
    """Tokenizes on word boundaries and normalises scripts (ar/fa/de/tr/uk/ru)."""

    @staticmethod
    def not_supported_languages() -> Optional[List[Text]]:
        """Scripts without spaces between words are not handled."""
        return ["zh", "ja", "th"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {
            **WhitespaceTokenizer.get_default_config(),
            "fold_diacritics": True,
            "fold_umlaut_digraphs": True,
            "fold_homoglyphs": True,
            "collapse_repeats": True,
            "join_persian_affixes": True,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Initialises the tokenizer with its normalisation switches."""
        super().__init__(config)
        defaults = self.get_default_config()
        self.options = NormalisationOptions(
            **{
                key: bool(config.get(key, defaults[key]))
                for key in NormalisationOptions.__dataclass_fields__
            }
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WegweiserTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Normalised tokens with offsets into the original text."""
        text = message.get(attribute)
        if not isinstance(text, str):
            return []
        tokens = [
            Token(t.text, t.start, end=t.end, lemma=t.text)
            for t in normalise_tokens(text, self.options)
        ]
        return self._apply_token_pattern(tokens)
