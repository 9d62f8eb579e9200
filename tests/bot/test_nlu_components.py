"""Offline unit tests of the script normaliser and the WegweiserTokenizer."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot.nlu.normalise import (  # noqa: E402
    NormalisationOptions,
    normalise_text,
    normalise_tokens,
    normalise_word,
)

ZWNJ = "\u200c"


def same(*variants: str) -> None:
    forms = {normalise_text(v) for v in variants}
    assert len(forms) == 1, {v: normalise_text(v) for v in variants}
    assert forms.pop(), variants


# ------------------------------------------------------------ Arabic / Farsi
@pytest.mark.parametrize(
    "variants",
    [
        ("کار", "كار"),  # Farsi keheh / Arabic kaf
        ("ایران", "ايران", "اىران"),  # Farsi ye / Arabic ye / alef maksura
        ("یک", "يك", "ىک"),
        ("مساعدة", "مساعده"),  # teh marbuta
        ("أريد", "إريد", "اريد", "آريد"),  # alef with hamza / madda
        ("سؤال", "سوال"),
        ("مسئول", "مسیول", "مسيول"),
        ("ســـلام", "سلام", "سـلام"),  # tatweel
        ("مَرْحَبًا", "مرحبا"),  # harakat
        ("خانهٔ من", "خانه من"),  # hamza above as a mark
        ("٣٤ سنة", "۳۴ سنه", "34 سنة"),  # Arabic-Indic / Persian / ASCII digits
        ("\ufefb", "لا"),  # presentation form (NFKC)
    ],
)
def test_arabic_farsi_variants_share_tokens(variants):
    same(*variants)


@pytest.mark.parametrize(
    "variants",
    [
        (f"می{ZWNJ}خواهم", "میخواهم", "می خواهم", "مي خواهم", "مي‌خواهم"),
        (f"نمی{ZWNJ}دانم", "نمیدانم", "نمی دانم", "نمي دانم"),
        (f"کتاب{ZWNJ}ها", "کتابها", "کتاب ها"),
        (f"بزرگ{ZWNJ}تر", "بزرگتر", "بزرگ تر"),
        ("خانه\u200dها", "خانه‌ها"),  # ZWJ typed instead of ZWNJ
    ],
)
def test_zwnj_variants_are_equal(variants):
    same(*variants)


def test_zwnj_join_makes_one_token_spanning_the_original_words():
    text = "من می خواهم کار کنم"
    tokens = normalise_tokens(text)
    assert [t.text for t in tokens] == ["من", "میخواهم", "کار", "کنم"]
    joined = tokens[1]
    assert text[joined.start : joined.end] == "می خواهم"


def test_prefix_is_not_joined_across_punctuation_or_latin():
    assert normalise_text("می. خواهم") == "می خواهم"
    assert normalise_text("می hello") == "می hello"


# --------------------------------------------------------------- Latin script
@pytest.mark.parametrize(
    "variants",
    [
        ("Bürgergeld", "Buergergeld", "Burgergeld", "BÜRGERGELD", "bürgergeld"),
        ("für", "fuer", "fur"),
        ("Prüfung", "Pruefung", "Prufung"),
        ("Ärztin", "Aerztin", "Arztin"),
        ("schön", "schoen", "schon"),
        ("Straße", "Strasse", "STRASSE"),
        ("İstanbul", "istanbul", "ISTANBUL", "Istanbul"),
        ("ışık", "isik", "IŞIK", "işık"),
        ("görüşme", "gorusme", "GÖRÜŞME"),
        ("çalışmak", "calismak"),
        ("Jobcenter'a", "Jobcentera", "jobcenter’a"),
        ("don't", "dont", "DON'T"),
        ("ｈｅｌｌｏ", "hello"),  # fullwidth (NFKC)
        ("pleeeease", "please"),
        ("ü", "u\u0308"),  # decomposed umlaut
    ],
)
def test_latin_variants_share_tokens(variants):
    same(*variants)


def test_umlaut_digraph_not_folded_after_vowel():
    assert normalise_text("neue Frauen teuer") == "neue frauen teuer"


def test_options_switch_steps_off():
    opts = NormalisationOptions(fold_umlaut_digraphs=False)
    assert normalise_word("Buergergeld", opts) == "buergergeld"
    assert normalise_word("Bürgergeld", opts) == "burgergeld"
    no_join = NormalisationOptions(join_persian_affixes=False)
    assert normalise_text("می خواهم", no_join) == "می خواهم"


# ------------------------------------------------------------------- Cyrillic
@pytest.mark.parametrize(
    "variants",
    [
        ("ещё", "еще", "ЕЩЁ"),
        ("ёлка", "елка"),
        ("ґанок", "ганок"),
        ("дякую", "дякyю", "ДЯКУЮ"),  # Latin y inside a Cyrillic word
        ("місто", "мiсто"),  # Latin i for Ukrainian і
        ("м'ясо", "м’ясо", "мʼясо", "мясо"),
    ],
)
def test_cyrillic_variants_share_tokens(variants):
    same(*variants)


def test_latin_words_are_not_cyrillised():
    assert normalise_text("okay") == "okay"


# ----------------------------------------------------------- offsets & robustness
@pytest.mark.parametrize(
    "text",
    [
        "Ich brauche Bürgergeld!!! 😀",
        "أريد  مساعدة، من فضلك؟",
        f"سلام، می{ZWNJ}خواهم کار کنم 🙏",
        "ПРИВІТ, мені потрібна квартира…",
        "İstanbul'dan geldim, iş arıyorum.",
        "\u200fمرحبا\u200f",
        "e-mail: name@example.org, Tel. 0251/123456",
    ],
)
def test_offsets_point_into_original_text(text):
    tokens = normalise_tokens(text)
    assert tokens
    previous_end = 0
    for tok in tokens:
        assert 0 <= tok.start < tok.end <= len(text)
        assert tok.start >= previous_end  # ordered, no overlap
        previous_end = tok.end
        original = text[tok.start : tok.end]
        # the original span normalises (after affix joining) to the token text
        assert normalise_text(original) == tok.text, (original, tok.text)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\t ", "😀", "😀😀🙏🏽👍", "!!!???", "...", "\x00\x01\x07\x1b\x7f",
     "\u200c\u200d\u200f", "‍👨‍👩‍👧", "ـــ", "ًٌٍ", None],
)
def test_no_words_gives_no_tokens_and_no_crash(text):
    assert normalise_tokens(text) == []
    assert normalise_text(text) == ""


def test_control_characters_inside_text_separate_words():
    assert normalise_text("hallo\x00welt\x07!") == "hallo welt"


def test_long_input_is_fast_and_keeps_offsets():
    text = ("Ich suche eine Wohnung in Münster. " * 300)[:10_000]
    start = time.monotonic()
    tokens = normalise_tokens(text)
    assert time.monotonic() - start < 2.0
    assert len(tokens) > 1000
    assert all(text[t.start : t.end] for t in tokens)
    assert normalise_tokens("x" * 10_000)[0].text == "x"


def test_mixed_scripts():
    assert normalise_text("Termin beim Jobcenter لازم") == "termin beim jobcenter لازم"
    assert normalise_text("Duldung продлить") == "duldung продлить"


# ------------------------------------------------------------- Rasa component
rasa = pytest.importorskip("rasa")


def _tokenizer(**config):
    from bot.nlu.tokenizer import WegweiserTokenizer

    return WegweiserTokenizer({**WegweiserTokenizer.get_default_config(), **config})


def _message(text):
    from rasa.shared.nlu.training_data.message import Message

    return Message(data={"text": text})


def test_tokenizer_tokens_keep_original_offsets_and_normalised_text():
    text = "Ich möchte auf Türkçe wechseln"
    tokens = _tokenizer().tokenize(_message(text), "text")
    assert [t.text for t in tokens] == ["ich", "mochte", "auf", "turkce", "wechseln"]
    assert [t.lemma for t in tokens] == [t.text for t in tokens]
    assert [text[t.start : t.end] for t in tokens] == text.split()


def test_tokenizer_entity_span_survives_normalisation():
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.shared.nlu.training_data.training_data import TrainingData

    text = "bitte auf Türkçe"
    msg = _message(text)
    msg.set("intent", "change_language")
    msg.set("entities", [{"start": 10, "end": 16, "value": "tr", "entity": "language"}])
    _tokenizer().process_training_data(TrainingData([msg]))
    tokens = msg.get(TOKENS_NAMES["text"])
    entity_tokens = [t for t in tokens if t.start >= 10 and t.end <= 16]
    assert len(entity_tokens) == 1 and entity_tokens[0].text == "turkce"
    assert (entity_tokens[0].start, entity_tokens[0].end) == (10, 16)


@pytest.mark.parametrize("text", ["", "😀😀", "!!!", "\x00\x01", "a" * 10_000])
def test_tokenizer_process_never_crashes(text):
    from rasa.nlu.constants import TOKENS_NAMES

    msg = _message(text)
    _tokenizer().process([msg])
    assert isinstance(msg.get(TOKENS_NAMES["text"]), list)


def test_tokenizer_config_switches():
    tokens = _tokenizer(fold_umlaut_digraphs=False).tokenize(_message("fuer"), "text")
    assert tokens[0].text == "fuer"
