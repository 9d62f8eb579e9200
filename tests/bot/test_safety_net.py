"""The emergency safety net catches acute danger the classifier may miss, in every language."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.evaluation import NLU_DIR
from bot.nlu.safety_net import EmergencySafetyNet, compile_phrases, is_emergency, load_phrases


@pytest.fixture(scope="module")
def net() -> EmergencySafetyNet:
    return EmergencySafetyNet()


def test_every_language_has_emergency_phrases() -> None:
    languages = {p.name for p in NLU_DIR.iterdir() if p.is_dir()}
    phrases = load_phrases()
    assert languages <= set(phrases)
    assert all(len(phrases[lang]) >= 15 for lang in languages)


@pytest.mark.parametrize(
    "text",
    ["Mein Mann SCHLÄGT mich", "i want to kill myself", "زوجي عم يضربني", "میخواهم خودکشی کنم",
     "муж меня душит", "хочу покінчити з собою", "kocam beni dövüyor", "ich will nicht mehr leben"],
)
def test_acute_danger_becomes_an_emergency(net: EmergencySafetyNet, text: str) -> None:
    message = Message({"text": text, "intent": {"name": "need_housing", "confidence": 0.8},
                       "intent_ranking": [{"name": "need_housing", "confidence": 0.8}]})
    [result] = net.process([message])
    assert result.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert result.get("intent_ranking")[0]["name"] == "emergency"


@pytest.mark.parametrize(
    "text",
    ["Ich suche eine Wohnung", "I need a flat", "Angst vor der Prüfung", "fire station job", "/affirm", "", "🙂"],
)
def test_ordinary_messages_are_left_alone(net: EmergencySafetyNet, text: str) -> None:
    message = Message({"text": text, "intent": {"name": "need_housing", "confidence": 0.8}})
    [result] = net.process([message])
    expected = "emergency" if text == "fire station job" else "need_housing"
    assert result.get("intent")["name"] == expected  # "fire" is on purpose: a false alarm is acceptable


def test_word_endings_match_only_where_marked() -> None:
    pattern = compile_phrases(["угрожа*", "ніж"])
    assert is_emergency("мне угрожают", pattern)
    assert not is_emergency("ніжність", pattern)
