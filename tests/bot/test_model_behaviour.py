"""What a person notices of the trained model (env WEGWEISER_MODEL), beyond the held-out score."""
from __future__ import annotations

import pytest

from actions.slot_mappings import needs_in_message
from bot.nlu.evaluation import parse_all

TWO_NEEDS = {
    "de": "Ich suche eine Wohnung und Arbeit",
    "en": "i need a flat and a job",
    "ar": "ابحث عن بيت وعن شغل",
    "fa": "دنبال خانه و کار هستم",
    "uk": "шукаю житло і роботу",
    "ru": "ищу квартиру и работу",
    "tr": "ev ve iş arıyorum",
}


@pytest.mark.parametrize("lang", sorted(TWO_NEEDS))
def test_two_needs_in_one_message_are_both_kept(trained_agent, lang):
    (parse,) = parse_all(trained_agent, [TWO_NEEDS[lang]])
    assert {n["intent"] for n in needs_in_message(parse)} == {"need_housing", "need_work"}, parse["intent_ranking"][:3]


@pytest.mark.parametrize(
    "text", ["Ich suche eine Wohnung", "i need a job", "шукаю роботу", "ev arıyorum", "أبحث عن عمل"]
)
def test_one_need_stays_one_need(trained_agent, text):
    (parse,) = parse_all(trained_agent, [text])
    assert len(needs_in_message(parse)) == 1, parse["intent_ranking"][:3]


@pytest.mark.parametrize(
    "text, code",
    [
        ("auf Deutsch bitte", "de"),
        ("english please", "en"),
        ("بالعربي لو سمحت", "ar"),
        ("به فارسی لطفا", "fa"),
        ("українською будь ласка", "uk"),
        ("на русском пожалуйста", "ru"),
        ("türkçe konuşalım", "tr"),
    ],
)
def test_asking_for_a_language_is_understood_with_the_language(trained_agent, text, code):
    (parse,) = parse_all(trained_agent, [text])
    assert parse["intent"]["name"] == "change_language"
    assert [e["value"] for e in parse["entities"] if e["entity"] == "language"] == [code]


def test_learning_german_is_a_course_not_a_language_switch(trained_agent):
    (parse,) = parse_all(trained_agent, ["ich will deutsch lernen"])
    assert parse["intent"]["name"] == "need_language_course"


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "!!!", "\x00\x01", "ـــ"])
def test_a_message_without_words_is_asked_back(trained_agent, text):
    (parse,) = parse_all(trained_agent, [text])
    assert parse["intent"]["name"] == "nlu_fallback"


def test_a_huge_message_is_parsed(trained_agent):
    (parse,) = parse_all(trained_agent, ["Ich brauche eine Wohnung " * 800])
    assert parse["intent"]["name"] == "need_housing"
