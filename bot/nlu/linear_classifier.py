"""LinearIntentClassifier: a linear SVM over word and character n-grams of the normalised text.

Measured against DIET on the same data and held-out sets (docs/nlu.md): more accurate in every
script, deterministic (same data, same model), and it trains in seconds instead of minutes,
which is what lets an operator retrain while the assistant keeps running (issue 7).

Features are TF-IDF weights (sublinear term frequency) of word 1–2-grams, of character
2–5-grams inside word boundaries and of each word's first four letters (Arabic article and
prepositions stripped first: a truncation stemmer for every script), computed on the tokens of ``WegweiserTokenizer`` (already
normalised: Arabic/Persian letter variants, ZWNJ, diacritics, Turkish i, repeats); a message in
Arabizi (Latin-script Arabic with digits: "bade 3amal") is also written in Arabic script first. The SVM's
decision values become a confidence ranking through a softmax with a fixed ``sharpness``, so the
FallbackClassifier's threshold and ambiguity margin keep their meaning: a message close to two
intents gets two close confidences and is asked back. Each ranking entry also carries the raw
one-vs-rest ``score``: "Wohnung und Arbeit" scores above the line for both needs even though the
softmax gives the second one little confidence. A message with no word left (emoji only,
punctuation) gets no intent and confidence 0, which the FallbackClassifier turns into
``nlu_fallback``. A button's payload (``/affirm``, ``/inform{"answer": "chat"}``) of a trained
intent is not classified: Rasa's RegexMessageHandler sets that intent at the end of the pipeline
anyway, so here it gets the same (confidence 1) without computing features (most turns of a form
are buttons; the features are the dearest part of the pipeline).
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import joblib
import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalise import with_arabizi_in_arabic_script, word_prefixes
from bot.nlu.stored import StoredComponent

logger = logging.getLogger(__name__)

# "/intent" or "/intent{...json...}", as Rasa's slash syntax (buttons) writes it
PAYLOAD = re.compile(r"/(?P<intent>[^{@\s]+)(?P<entities>\{.*\})?\s*", re.DOTALL)


def payload_intent(text: Optional[Text], known) -> Optional[Text]:
    """The intent a well-formed button payload names, if it is one of `known`; else None."""
    match = PAYLOAD.fullmatch(text or "")
    if match is None or match["intent"] not in known:
        return None
    if match["entities"]:
        try:
            json.loads(match["entities"])
        except ValueError:
            return None
    return match["intent"]



def normalised_text(message: Message) -> str:
    """The message as the tokenizer normalised it: token texts joined by single spaces."""
    tokens = message.get(TEXT_TOKENS) or []
    return " ".join(token.text for token in tokens)


class WordPrefixes:
    """A picklable analyzer for scikit-learn: the word prefixes of a normalised text."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __call__(self, text: str) -> List[str]:
        return word_prefixes(text, self.length)


def arabizi_in_arabic_script(texts: List[str]) -> List[str]:
    """The first step of the pipeline (when configured): an Arabizi text also in Arabic script."""
    return [with_arabizi_in_arabic_script(text) for text in texts]


# Weight of each feature block (word n-grams, char_wb n-grams, word prefixes) when none is configured.
DEFAULT_FEATURE_WEIGHTS = {"word": 1.0, "char": 1.0, "prefix": 1.0}


def softmax(scores: np.ndarray, sharpness: float) -> np.ndarray:
    z = scores * sharpness
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def build_pipeline(config: Dict[Text, Any]):
    """The untrained scikit-learn pipeline (features + LinearSVC) of a classifier config.

    Also used outside Rasa, on texts already normalised by :func:`bot.nlu.normalise.normalise_text`
    (``bench/nlu_cv.py`` cross-validates it).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.svm import LinearSVC

    blocks = [
        (
            "word",
            TfidfVectorizer(
                analyzer="word",
                token_pattern=r"\S+",
                ngram_range=tuple(config["word_ngrams"]),
                sublinear_tf=True,
            ),
        )
    ]
    low, high = config["char_ngrams"] or (0, 0)
    if high > 0:  # char_ngrams [0, 0]: words only (an ablation in bench/nlu_eval.py)
        blocks.append(("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), sublinear_tf=True)))
    if config["prefix_length"]:
        blocks.append(("prefix", TfidfVectorizer(analyzer=WordPrefixes(int(config["prefix_length"])), sublinear_tf=True)))
    # Each block's TF-IDF rows have unit length; its weight scales the block against the others.
    weights = {**DEFAULT_FEATURE_WEIGHTS, **(config.get("feature_weights") or {})}
    unknown = set(weights) - set(DEFAULT_FEATURE_WEIGHTS)
    if unknown:
        raise ValueError(f"feature_weights: unknown feature blocks {sorted(unknown)}")
    features = FeatureUnion(blocks, transformer_weights={name: float(weights[name]) for name, _ in blocks})
    steps = [FunctionTransformer(arabizi_in_arabic_script)] if config.get("arabizi_in_arabic_script") else []
    # a fixed seed: liblinear shuffles the data, and the same data must give the same model
    return make_pipeline(*steps, features, LinearSVC(C=config["C"], random_state=0))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(StoredComponent, IntentClassifier):
    """Intent classification with a linear SVM on TF-IDF word, character n-gram and word-prefix features."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            # also the first 4 letters of each word (a truncation stemmer, every script); 0: off
            "prefix_length": 4,
            # how much each feature block counts against the others ({"char": 2.0}: character
            # n-grams twice as much); blocks not named keep 1
            "feature_weights": dict(DEFAULT_FEATURE_WEIGHTS),
            # a message in Arabizi ("bade 3amal") also written in Arabic script (bot.nlu.normalise)
            "arabizi_in_arabic_script": False,
            "C": 1.0,
            # softmax(sharpness * decision values). Chosen by 5-fold cross-validation on the
            # training data (docs/nlu.md): at 8 about 8 % of messages are asked back, a third of
            # the misunderstood ones among them, and 2 % of the understood ones.
            "sharpness": 8.0,
            "ranking_length": 10,
        }

    STATE_FILE = "linear_intent_classifier.joblib"

    @staticmethod
    def write_state(path: Path, state: Any) -> None:
        joblib.dump(state, path)

    @staticmethod
    def read_state(path: Path) -> Any:
        return joblib.load(path)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        texts = [normalised_text(m) for m in examples]
        intents = [m.get(INTENT) for m in examples]
        kept = [(t, i) for t, i in zip(texts, intents) if t]
        if len({i for _, i in kept}) < 2:
            logger.warning("LinearIntentClassifier needs examples of at least two intents; not trained.")
            return self._resource
        pipeline = build_pipeline(self.config)
        pipeline.fit([t for t, _ in kept], [i for _, i in kept])
        return self.keep(pipeline)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = normalised_text(message)
            if self.state is None or not text:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            pressed = payload_intent(message.get(TEXT), self.state.classes_)
            if pressed:
                message.set(INTENT, {"name": pressed, "confidence": 1.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [{"name": pressed, "confidence": 1.0}], add_to_output=True)
                continue
            scores = self.state.decision_function([text])[0]
            confidences = softmax(scores, float(self.config["sharpness"]))
            order = np.argsort(-confidences)[: int(self.config["ranking_length"])]
            classes = self.state.classes_
            # `score`: the one-vs-rest decision value. Above about -0.1 the text also reads as that
            # intent on its own, which is how a second need in one message shows (slot_mappings.py).
            ranking = [
                {"name": str(classes[i]), "confidence": float(confidences[i]), "score": round(float(scores[i]), 4)}
                for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
