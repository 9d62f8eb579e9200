"""Every text the assistant can send exists in every language, with the same placeholders and buttons."""
from __future__ import annotations

import re
import string

import pytest
import yaml

from actions.contract import LANGUAGES
from actions.i18n import load_catalog
from scripts.build_domain import response_variations

CATALOG = load_catalog()
REFERENCE = CATALOG["de"]


def placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_contract_language_has_texts() -> None:
    assert set(LANGUAGES) <= set(CATALOG)


@pytest.mark.parametrize("language", sorted(CATALOG))
@pytest.mark.parametrize("section", ["responses", "labels"])
def test_no_key_is_missing_or_extra(language: str, section: str) -> None:
    missing = set(REFERENCE[section]) - set(CATALOG[language][section])
    extra = set(CATALOG[language][section]) - set(REFERENCE[section])
    assert not missing, f"{language} lacks {sorted(missing)}"
    assert not extra, f"{language} has keys German does not: {sorted(extra)}"


@pytest.mark.parametrize("language", sorted(CATALOG))
def test_placeholders_and_button_payloads_match_german(language: str) -> None:
    for key, german in REFERENCE["responses"].items():
        translated = CATALOG[language]["responses"].get(key)
        if translated is None:
            continue  # reported by the test above
        assert placeholders(translated["text"]) == placeholders(german["text"]), f"{language}:{key}"
        assert [b["payload"] for b in translated.get("buttons", [])] == [b["payload"] for b in german.get("buttons", [])], f"{language}:{key}"
        assert all(b["title"].strip() for b in translated.get("buttons", [])), f"{language}:{key} has an empty button"
    for key, german in REFERENCE["labels"].items():
        if key in CATALOG[language]["labels"]:
            assert placeholders(CATALOG[language]["labels"][key]) == placeholders(german), f"{language}:{key}"


@pytest.mark.parametrize("language", sorted(CATALOG))
def test_emergency_numbers_are_exactly_the_real_ones(language: str) -> None:
    text = CATALOG[language]["responses"]["utter_emergency"]["text"]
    for number in ("112", "110", "0800 111 0 111", "0800 111 0 222", "116 016"):
        assert number in text, f"{language} lacks {number}"
    digits_runs = set(re.findall(r"\d[\d ]*\d|\d", text))
    allowed = {"112", "110", "0800 111 0 111", "0800 111 0 222", "116 016"}
    assert {run.strip() for run in digits_runs} <= allowed, f"{language} names a number that is not in the contract"


def test_every_response_becomes_one_variation_per_language() -> None:
    variations = response_variations(CATALOG)
    for name, options in variations.items():
        languages = [option["condition"][0]["value"] for option in options]
        assert sorted(languages) == sorted(CATALOG), name


def test_a_key_defined_twice_in_one_language_is_refused(tmp_path) -> None:
    (tmp_path / "xx").mkdir()
    for name in ("a.yml", "b.yml"):
        (tmp_path / "xx" / name).write_text(yaml.safe_dump({"labels": {"same.key": "x"}}))
    with pytest.raises(ValueError, match="defined twice"):
        load_catalog(tmp_path)
