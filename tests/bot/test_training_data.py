"""The training data is complete and clean in every language (checked in the suite and by `make validate`)."""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from actions.contract import CONVERSATION_INTENTS, NEED_INTENTS
from actions.i18n import load_catalog
from bot.nlu.evaluation import HELDOUT_DIR, NLU_DIR, load_examples
from bot.nlu.normalise import normalise_text

MIN_NEED_EXAMPLES = 40
MIN_CONVERSATION_EXAMPLES = 10
LANGUAGES = sorted(p.name for p in NLU_DIR.iterdir() if p.is_dir())


def training_examples(lang: str) -> List[Tuple[str, str]]:
    return [pair for path in sorted((NLU_DIR / lang).glob("*.yml")) for pair in load_examples(path)]


TRAINING: Dict[str, List[Tuple[str, str]]] = {lang: training_examples(lang) for lang in LANGUAGES}


def test_all_seven_contract_languages_have_training_data() -> None:
    assert {"de", "en", "ar", "fa", "uk", "ru", "tr"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_intent_has_enough_examples(lang: str) -> None:
    counts = Counter(intent for _, intent in TRAINING[lang])
    short = {i: counts[i] for i in NEED_INTENTS if counts[i] < MIN_NEED_EXAMPLES}
    short |= {i: counts[i] for i in CONVERSATION_INTENTS if counts[i] < MIN_CONVERSATION_EXAMPLES}
    assert not short, f"{lang}: too few examples {short}"
    assert set(counts) <= set(NEED_INTENTS) | set(CONVERSATION_INTENTS), f"{lang}: intents outside the contract"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_duplicates_within_a_language(lang: str) -> None:
    texts = Counter(" ".join(text.casefold().split()) for text, _ in TRAINING[lang])
    assert not [t for t, n in texts.items() if n > 1]


def test_no_example_in_two_intents_across_all_languages() -> None:
    intents_of: Dict[str, set] = defaultdict(set)
    for lang, pairs in TRAINING.items():
        for text, intent in pairs:
            key = normalise_text(text)
            if key:
                intents_of[key].add(intent)
    clashes = {text: sorted(intents) for text, intents in intents_of.items() if len(intents) > 1}
    assert not clashes, f"examples in two intents: {dict(list(clashes.items())[:10])}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_held_out_set_exists_and_is_never_trained_on(lang: str) -> None:
    path: Path = HELDOUT_DIR / f"{lang}.yml"
    assert path.exists(), f"no held-out set for {lang}"
    trained = {normalise_text(text) for pairs in TRAINING.values() for text, _ in pairs}
    held_out = load_examples(path)
    assert len(held_out) >= 10 * len(NEED_INTENTS)
    leaked = [text for text, _ in held_out if normalise_text(text) in trained]
    assert not leaked, f"{lang}: held-out examples also in training: {leaked[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_language_with_training_data_has_texts_and_answer_words(lang: str) -> None:
    assert lang in load_catalog()
    assert (NLU_DIR.parent / "slot_values" / f"{lang}.yml").exists()
