"""The assistant answers in the language the person writes or chooses."""
from __future__ import annotations

import pytest

from actions.language import choose_language, detect, explicit_choice


@pytest.mark.parametrize(
    "text, language",
    [
        ("Ich suche eine Wohnung", "de"),
        ("ich brauche hilfe beim jobcenter", "de"),
        ("I need help with my flat", "en"),
        ("أريد مساعدة في السكن", "ar"),
        ("بدي شغل", "ar"),
        ("bdi sakan bi Münster", "ar"),
        ("من خانه میخواهم", "fa"),
        ("من خانه ميخواهم", "fa"),  # Arabic ي typed on a phone
        ("کمک میخوام", "fa"),
        ("мені потрібна допомога з житлом", "uk"),
        ("мне нужна квартира", "ru"),
        ("ev arıyorum yardım lazım", "tr"),
        ("ev ariyorum yardim lazim", "tr"),
    ],
)
def test_first_message_language_is_detected(text: str, language: str) -> None:
    assert choose_language(None, text) == language


@pytest.mark.parametrize("text", ["", "   ", "👍🙏", "27", "???"])
def test_no_evidence_uses_the_channel_hint(text: str) -> None:
    assert choose_language(None, text, hint="uk-UA") == "uk"
    assert choose_language(None, text, hint="prs") == "fa"  # Dari


def test_no_evidence_and_no_hint_falls_back_to_the_working_language() -> None:
    assert choose_language(None, "👍") == "de"


def test_an_explicit_choice_always_wins() -> None:
    assert choose_language("de", "Ich suche eine Wohnung", explicit="ar") == "ar"


def test_a_german_word_in_an_arabic_conversation_does_not_switch() -> None:
    assert choose_language("ar", "Jobcenter") == "ar"
    assert choose_language("ar", "Termin Ausländerbehörde") == "ar"


def test_a_clear_sentence_in_another_script_switches() -> None:
    assert choose_language("de", "мне нужна помощь с квартирой") == "ru"


def test_explicit_choice_from_entity_and_from_web_chat_picker() -> None:
    message = {"intent": {"name": "change_language"}, "entities": [{"entity": "language", "value": "tr"}]}
    assert explicit_choice(message) == "tr"
    assert explicit_choice({"intent": {"name": "greet"}, "metadata": {"language": "fa"}}) == "fa"
    assert explicit_choice({"intent": {"name": "greet"}, "metadata": {"language": "xx"}}) is None
    assert explicit_choice({"intent": {"name": "greet"}}) is None


def test_detect_reports_no_language_for_emoji_only() -> None:
    assert detect("🙂🙂").language is None
