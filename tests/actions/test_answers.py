"""Free-text answers to the intake questions are understood; nonsense is not accepted."""
from __future__ import annotations

import pytest

from actions import answers
from actions.contract import RECEIVES_BENEFITS, RESIDENCE_STATUS


@pytest.mark.parametrize("text, age", [("34", 34), ("ich bin 27 Jahre alt", 27), ("٢٧", 27), ("۲۷ سال", 27), ("I am 19", 19)])
def test_age_in_free_text(text: str, age: int) -> None:
    assert answers.parse_age(text) == age


@pytest.mark.parametrize("text", ["300", "abc", "", "12 und 14", "0", "-5 😀"])
def test_implausible_or_missing_age_is_rejected(text: str) -> None:
    assert answers.parse_age(text) is None


@pytest.mark.parametrize(
    "text, value",
    [
        ("ich bekomme Bürgergeld", "buergergeld"),
        ("BUERGERGELD", "buergergeld"),
        ("Geld vom Jobcenter", "buergergeld"),
        ('/inform{"answer": "asylblg"}', "asylblg"),
        ("I get asylum seekers benefits", "asylblg"),
        ("nichts", "none"),
        ("weiß nicht", "unknown"),
    ],
)
def test_benefits_in_free_text_and_buttons(text: str, value: str) -> None:
    assert answers.parse_category("receives_benefits", text, RECEIVES_BENEFITS) == value


def test_residence_status_in_free_text() -> None:
    assert answers.parse_category("residence_status", "ich habe eine Duldung", RESIDENCE_STATUS) == "duldung"
    assert answers.parse_category("residence_status", "Paragraph 24", RESIDENCE_STATUS) == "temporary_protection_24"
    assert answers.parse_category("residence_status", "banana", RESIDENCE_STATUS) is None


def test_a_button_value_outside_the_contract_is_not_accepted() -> None:
    assert answers.parse_category("receives_benefits", '/inform{"answer": "lottery"}', RECEIVES_BENEFITS) is None


@pytest.mark.parametrize("text, phone", [("0151 2345678", "01512345678"), ("+49 (151) 234-5678", "+491512345678"), ("۰۱۵۱۲۳۴۵۶۷۸", "01512345678")])
def test_phone_numbers(text: str, phone: str) -> None:
    assert answers.parse_phone(text) == phone


@pytest.mark.parametrize("text", ["call me maybe", "0151 abc", "12", "=1+2"])
def test_letters_or_too_few_digits_are_not_a_phone_number(text: str) -> None:
    assert answers.parse_phone(text) is None


def test_email_addresses() -> None:
    assert answers.parse_email(" name@example.org ") == "name@example.org"
    assert answers.parse_email("<script>@x.de") is None
    assert answers.parse_email("no at sign") is None


def test_free_text_is_cleaned_of_controls_and_bidi_overrides() -> None:
    assert answers.parse_free_text("Ah\u202emed\u0000", 40) == "Ahmed"
    assert answers.parse_free_text("🙂", 40) is None
    assert answers.parse_free_text("x" * 500, 40) == "x" * 40


def test_yes_and_no_in_words_and_buttons() -> None:
    assert answers.yes_or_no("/affirm", None) is True
    assert answers.yes_or_no("ja bitte", None) is True
    assert answers.yes_or_no("nein", None) is False
    assert answers.yes_or_no("vielleicht", None) is None
    assert answers.yes_or_no("anything", "deny") is False


def test_every_answer_word_file_loads_and_english_yes_no_work() -> None:
    answers._keywords.cache_clear()
    assert answers._keywords()  # raises on an unquoted yes/no that YAML turned into a boolean
    assert answers.yes_or_no("yes", None) is True
    assert answers.yes_or_no("no", None) is False
