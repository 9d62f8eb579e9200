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
    with_arabizi_in_arabic_script,
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
    assert len(tokens) > 500  # the first MAX_NLU_CHARS (4,000) characters: 686 words
    assert all(text[t.start : t.end] for t in tokens)
    assert normalise_tokens("x" * 10_000)[0].text == "x"


@pytest.mark.parametrize("text, arabic", [
    ("ana ta3ban kteer", ["انا", "تعبن", "کتیر"]),
    ("bade 3amal ay shi", ["بدی", "عمل", "شی"]),
    ("wein el jobcenter? 7abibi", ["وین", "حبیبی"]),
    ("la2 mish hek", ["لا", "میش"]),
    ("ma3i duldung", ["معی"]),
])
def test_arabizi_is_also_written_in_arabic_script(text, arabic):
    normalised = normalise_text(text)
    written = with_arabizi_in_arabic_script(normalised)
    assert written.startswith(normalised + " ")  # the Latin words stay
    assert set(arabic) <= set(written.split())


@pytest.mark.parametrize("text", [
    "ich habe a2 und will b1", "48143", "0151 2345678", "mikhastam ye khune", "бде 3 дні", "بدي شغل", "i am 35",
    "saat 3'te randevum var", "I called 2nd time about my flat", "ich bekomme sgb2", "kw23 habe ich termin",
    "um 9am oder 5pm", "2mal abgelehnt", "3zimmer wohnung", "mp3 ps5 covid19 h2o b2b", "ali92@mail.de",
])
def test_what_is_not_arabizi_stays_as_it_is(text):
    assert with_arabizi_in_arabic_script(normalise_text(text)) == normalise_text(text)


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


# ------------------------------------------------ intent classifier, language entity
def _train_pipeline(examples):
    """Tokenizer + LinearIntentClassifier + LanguageNameExtractor trained on (text, intent[, entities])."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu.language_entity import LanguageNameExtractor
    from bot.nlu.linear_classifier import LinearIntentClassifier

    import tempfile

    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    context = ExecutionContext(GraphSchema({}), "test")
    messages = []
    for text, intent, *entities in examples:
        msg = _message(text)
        msg.set("intent", intent)
        if entities:
            msg.set("entities", entities[0])
        messages.append(msg)
    data = TrainingData(messages)
    _tokenizer().process_training_data(data)
    classifier = LinearIntentClassifier.create({}, storage, Resource("clf"), context)
    classifier.train(data)
    extractor = LanguageNameExtractor.create({}, storage, Resource("lang"), context)
    extractor.train(data)
    loaded = (
        LinearIntentClassifier.load({}, storage, Resource("clf"), context),
        LanguageNameExtractor.load({}, storage, Resource("lang"), context),
    )

    def parse(text):
        msg = _message(text)
        _tokenizer().process([msg])
        for component in loaded:
            component.process([msg])
        return msg

    return parse


def _lang(text, start_word, code):
    start = text.index(start_word)
    return [{"start": start, "end": start + len(start_word), "value": code, "entity": "language"}]


@pytest.fixture(scope="module")
def parse():
    examples = [
        ("ich suche eine wohnung", "need_housing"),
        ("wohnung gesucht dringend", "need_housing"),
        ("أبحث عن بيت", "need_housing"),
        ("бдь ласка допоможіть знайти квартиру", "need_housing"),
        ("ich brauche arbeit", "need_work"),
        ("job suche", "need_work"),
        ("أريد عمل", "need_work"),
        ("шукаю роботу", "need_work"),
        ("auf deutsch bitte", "change_language", _lang("auf deutsch bitte", "deutsch", "de")),
        ("по-русски пожалуйста", "change_language", _lang("по-русски пожалуйста", "по-русски", "ru")),
        ("українською будь ласка", "change_language", _lang("українською будь ласка", "українською", "uk")),
        ("العربية من فضلك", "change_language", _lang("العربية من فضلك", "العربية", "ar")),
        ("türkçe lütfen", "change_language", _lang("türkçe lütfen", "türkçe", "tr")),
    ]
    return _train_pipeline(examples)


def test_classifier_understands_spelling_variants_it_was_not_trained_on(parse):
    assert parse("Wohnungen suche ich").get("intent")["name"] == "need_housing"
    assert parse("ابحث عن بيت").get("intent")["name"] == "need_housing"  # without hamza
    assert parse("шукаю роботу!!!").get("intent")["name"] == "need_work"


def test_classifier_ranks_every_intent_with_confidences_that_sum_to_one(parse):
    msg = parse("ich brauche arbeit")
    ranking = msg.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "need_work" == msg.get("intent")["name"]
    assert {r["name"] for r in ranking} == {"need_housing", "need_work", "change_language"}
    assert abs(sum(r["confidence"] for r in ranking) - 1) < 1e-6


@pytest.mark.parametrize("payload, intent", [
    ("/need_work", "need_work"),
    ('/change_language{"language": "ar"}', "change_language"),
])
def test_a_button_of_a_trained_intent_is_taken_as_pressed(parse, payload, intent):
    """As Rasa's RegexMessageHandler would set it after the pipeline, without computing features."""
    msg = parse(payload)
    assert msg.get("intent") == {"name": intent, "confidence": 1.0}
    assert msg.get("intent_ranking") == [{"name": intent, "confidence": 1.0}]


@pytest.mark.parametrize("text", ["/no_such_intent", '/need_work{"broken": ', "ich brauche /need_work"])
def test_what_only_looks_like_a_button_is_classified_as_text(parse, text):
    msg = parse(text)
    assert msg.get("intent")["confidence"] < 1.0
    assert len(msg.get("intent_ranking")) == 3


@pytest.mark.parametrize("text", ["", "🙂🙂🙂", "!!!", "\x00"])
def test_classifier_gives_no_intent_when_no_word_is_left(parse, text):
    msg = parse(text)
    assert msg.get("intent") == {"name": None, "confidence": 0.0}
    assert not msg.get("entities")


@pytest.mark.parametrize(
    "text, code",
    [
        ("Auf Deutsch bitte", "de"),
        ("Deutsch", "de"),
        ("на русском пожалуйста", "ru"),  # inflected form, preposition not taken for a name
        ("по-українськи", "uk"),
        ("بالعربي لو سمحت", "ar"),  # article and preposition written onto the word
        ("turkce olsun", "tr"),
    ],
)
def test_language_names_and_their_inflections_are_found(parse, text, code):
    values = [e["value"] for e in parse(text).get("entities") or [] if e["entity"] == "language"]
    assert values == [code]


def test_language_entity_keeps_the_original_span(parse):
    text = "Bitte auf DEUTSCH"
    (entity,) = parse(text).get("entities")
    assert text[entity["start"] : entity["end"]] == "DEUTSCH"


def test_words_that_are_no_language_name_give_no_entity(parse):
    assert not parse("ich suche arbeit in münster").get("entities")
    assert not parse("по дому").get("entities")


@pytest.mark.parametrize(
    "text, prefixes",
    [
        ("wohnungen wohnungssuche", ["wohn", "wohn"]),
        ("квартиру квартира", ["квар", "квар"]),
        ("بالعربی العربیه وبالعربی", ["عربی", "عربی", "عربی"]),
        ("بیت", ["بیت"]),  # too short to lose a letter to a proclitic
        ("evimizden ev", ["evim", "ev"]),
    ],
)
def test_word_prefixes_share_a_stem_across_inflections(text, prefixes):
    from bot.nlu.normalise import word_prefixes

    assert word_prefixes(text, 4) == prefixes


def test_a_megabyte_is_understood_from_its_beginning_in_well_under_a_second():
    from bot.nlu.normalise import MAX_NLU_CHARS

    for text in ("ä" * 600_000, "Ich brauche eine Wohnung " * 50_000, "ب" * 1_000_000):
        start = time.monotonic()
        tokens = normalise_tokens(text)
        assert time.monotonic() - start < 1.0
        assert all(t.end <= MAX_NLU_CHARS for t in tokens)
    assert normalise_tokens("Ich brauche eine Wohnung " * 50_000)[0].text == "ich"


# ------------------------------------------------ classifier features (bench/nlu_cv.py builds the same)
def _classifier_config(**changes):
    from bot.nlu.linear_classifier import LinearIntentClassifier

    return {**LinearIntentClassifier.get_default_config(), **changes}


def _block_norms(pipeline, text):
    """Length of the feature vector of ``text`` in each feature block (word, char, prefix)."""
    import numpy as np

    union = pipeline.steps[0][1]
    row = union.transform([text]).toarray()[0]
    norms, start = {}, 0
    for name, vectoriser in union.transformer_list:
        width = len(vectoriser.vocabulary_)
        norms[name] = float(np.linalg.norm(row[start : start + width]))
        start += width
    assert start == len(row)
    return norms


TEXTS = ["ich suche eine wohnung", "wohnung gesucht", "ich brauche arbeit", "arbeit suche ich"]
LABELS = ["need_housing", "need_housing", "need_work", "need_work"]


def test_feature_blocks_count_equally_by_default():
    from bot.nlu.linear_classifier import build_pipeline

    pipeline = build_pipeline(_classifier_config()).fit(TEXTS, LABELS)
    norms = _block_norms(pipeline, "ich suche arbeit")
    assert set(norms) == {"word", "char", "prefix"}
    assert all(abs(n - 1.0) < 1e-9 for n in norms.values()), norms


def test_feature_weights_scale_their_block_and_change_the_decision_values():
    from bot.nlu.linear_classifier import build_pipeline

    weighted = build_pipeline(_classifier_config(feature_weights={"char": 2.0, "prefix": 0.5})).fit(TEXTS, LABELS)
    norms = _block_norms(weighted, "ich suche arbeit")
    assert abs(norms["word"] - 1.0) < 1e-9  # not named: weight 1
    assert abs(norms["char"] - 2.0) < 1e-9
    assert abs(norms["prefix"] - 0.5) < 1e-9
    plain = build_pipeline(_classifier_config()).fit(TEXTS, LABELS)
    assert weighted.predict(["wohnung suche"])[0] == plain.predict(["wohnung suche"])[0] == "need_housing"
    assert abs(weighted.decision_function(["wohnung"])[0] - plain.decision_function(["wohnung"])[0]) > 1e-6


def test_feature_weights_for_an_unknown_block_are_refused():
    from bot.nlu.linear_classifier import build_pipeline

    with pytest.raises(ValueError, match="chars"):
        build_pipeline(_classifier_config(feature_weights={"chars": 2.0}))


def test_words_only_ablation_has_no_char_block():
    from bot.nlu.linear_classifier import build_pipeline

    pipeline = build_pipeline(_classifier_config(char_ngrams=[0, 0], prefix_length=0)).fit(TEXTS, LABELS)
    assert set(_block_norms(pipeline, "ich suche arbeit")) == {"word"}


def test_an_arabizi_message_is_understood_from_examples_in_arabic_script():
    from bot.nlu.linear_classifier import build_pipeline

    texts = [normalise_text(t) for t in ["بدي عمل", "ابحث عن عمل", "عمل بسرعة", "بدي بيت", "ابحث عن بيت", "بيت كبير"]]
    labels = ["need_work"] * 3 + ["need_housing"] * 3
    with_arabizi = build_pipeline(_classifier_config(arabizi_in_arabic_script=True)).fit(texts, labels)
    without = build_pipeline(_classifier_config()).fit(texts, labels)
    query = normalise_text("bade 3amal plz")
    assert with_arabizi.predict([query])[0] == "need_work"
    assert with_arabizi.predict([normalise_text("ana bade bait 7elo")])[0] == "need_housing"
    # Without it, the Latin words share no feature with the examples: it knows nothing more than
    # it knows of an empty message.
    assert (without.decision_function([query]) == without.decision_function([""])).all()
