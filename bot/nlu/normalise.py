"""Script normalisation for Wegweiser's NLU (no Rasa import: cheap to unit-test).

Newcomers write the same word in many ways: Arabic and Farsi with different
letters for ye/kaf/heh and alef with or without hamza, with or without ZWNJ
(می‌خواهم, میخواهم, می خواهم); German without umlauts or with ae/oe/ue; Turkish
without dots and cedillas; Russian without ё; Ukrainian with Latin look-alike
letters. :func:`split_words` finds the words of a message with their offsets in
the ORIGINAL text, and :func:`normalise_word` maps each word to one canonical
spelling. :func:`normalise_tokens` does both and joins Persian verb prefixes and
plural/comparative suffixes that were written as separate words, so that every
token keeps a (start, end) span pointing into the text the person wrote.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Tuple

import regex

# A word: letters, combining marks, digits, plus the characters that can sit
# inside a word without separating it (ZWNJ/ZWJ and other format characters,
# tatweel, apostrophes). Everything else (spaces, punctuation, symbols, emoji,
# control characters) separates words and is dropped.
_WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}\p{Cf}\u0640'’ʼ‘`´]+")

# ---------------------------------------------------------------- Arabic / Farsi
_ARABIC_MAP = {
    # ye: Arabic ye, alef maksura, Farsi ye, Pashto/Urdu forms, ye with hamza
    "\u064a": "\u06cc", "\u0649": "\u06cc", "\u06d0": "\u06cc", "\u06cd": "\u06cc",
    "\u0626": "\u06cc", "\u06d2": "\u06cc", "\u06ce": "\u06cc",
    # kaf: Arabic kaf, swash kaf -> Farsi keheh
    "\u0643": "\u06a9", "\u06aa": "\u06a9",
    # heh: teh marbuta, heh with yeh above, ae, heh goal, heh doachashmee
    "\u0629": "\u0647", "\u06c0": "\u0647", "\u06d5": "\u0647", "\u06c1": "\u0647",
    "\u06be": "\u0647",
    # alef with hamza above/below, madda, wasla, wavy hamza forms
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
    "\u0672": "\u0627", "\u0673": "\u0627",
    # waw with hamza
    "\u0624": "\u0648",
}
# Removed: hamza on its own, tatweel, harakat and Quranic marks, superscript alef.
_ARABIC_DROP = (
    ["\u0621", "\u0640", "\u0670"]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
)
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)}  # Arabic-Indic
_DIGITS.update({chr(0x06F0 + i): str(i) for i in range(10)})  # Persian / Urdu
_DIGITS.update({chr(0x07C0 + i): str(i) for i in range(10)})  # NKo, harmless

# Apostrophes are dropped inside words: don't = dont, Jobcenter'a = Jobcentera,
# м'ясо = мясо (how people write who skip them).
_APOSTROPHES = ["'", "’", "ʼ", "‘", "`", "´"]

_TRANSLATE = {ord(k): v for k, v in {**_ARABIC_MAP, **_DIGITS}.items()}
_TRANSLATE.update({ord(c): None for c in _ARABIC_DROP + _APOSTROPHES})

# ------------------------------------------------------------------ Latin script
# Letters that do not decompose under NFD.
_LATIN_SPECIAL = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
    "þ": "th", "ı": "i", "ŀ": "l", "ħ": "h",
}
# German ae/oe/ue written for ä/ö/ü ("fuer", "Buergergeld", "Pruefung"): folded
# like the umlaut itself, except after a vowel (neue, Frauen, teuer stay).
_DIGRAPH_RE = regex.compile(r"(?<![aeiouy])([aou])e")

# --------------------------------------------------------------------- Cyrillic
_CYRILLIC_MAP = {"ё": "е", "ґ": "г", "ѓ": "г", "ќ": "к"}
# Latin letters that look like Cyrillic ones, inside a Cyrillic word
# ("дякyю" typed with a Latin y, Ukrainian "i" typed on a Latin layout).
_HOMOGLYPHS = {
    "a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х",
    "y": "у", "k": "к",
}
_HOMOGLYPH_TRANSLATE = {ord(k): v for k, v in _HOMOGLYPHS.items()}

_CYRILLIC_RE = regex.compile(r"\p{Cyrillic}")
_ARABIC_SCRIPT_RE = regex.compile(r"\p{Arabic}")
_LATIN_RE = regex.compile(r"[a-z]")
_REPEAT_RE = regex.compile(r"(.)\1{2,}")  # "pleeeease", "سلاااام": 3+ -> 1

# Persian: verb prefixes written apart ("می خواهم") and suffixes written apart
# ("کتاب ها", "بزرگ تر") after normalisation (so ي/ی variants are covered).
PERSIAN_PREFIXES = frozenset({"می", "نمی"})
PERSIAN_SUFFIXES = frozenset({"ها", "های", "هایی", "تر", "ترین"})


@dataclass(frozen=True)
class NormalisationOptions:
    """Switches, so that each step can be measured on its own."""

    fold_diacritics: bool = True  # ä→a, ş→s, é→e (Latin letters only)
    fold_umlaut_digraphs: bool = True  # ue→u, ae→a, oe→o (not after a vowel)
    fold_homoglyphs: bool = True  # Latin look-alikes in Cyrillic words
    collapse_repeats: bool = True  # 3+ identical characters -> 1
    join_persian_affixes: bool = True  # می خواهم -> میخواهم


DEFAULT_OPTIONS = NormalisationOptions()


def _is_latin_letter(ch: str) -> bool:
    return "a" <= ch <= "z" or ("\u00c0" <= ch <= "\u024f") or (
        "\u1e00" <= ch <= "\u1eff"
    )


def _fold_latin(word: str) -> str:
    out = []
    for ch in word:
        if ch in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[ch])
        elif unicodedata.combining(ch) and out and "a" <= out[-1][-1:] <= "z":
            continue  # a stray combining mark on a Latin letter (decomposed input)
        elif ch > "\u007f" and _is_latin_letter(ch):
            decomposed = unicodedata.normalize("NFD", ch)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
        else:
            out.append(ch)
    return "".join(out)


def normalise_word(word: str, options: NormalisationOptions = DEFAULT_OPTIONS) -> str:
    """Maps one word to its canonical spelling ('' if nothing is left)."""
    text = unicodedata.normalize("NFKC", word)
    # format characters (ZWNJ, ZWJ, bidi marks, soft hyphen, BOM) and Arabic marks
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.translate(_TRANSLATE)
    text = text.casefold()
    # Turkish: casefold("İ") = "i̇" (i + combining dot), dotless ı -> i
    text = text.replace("\u0307", "").replace("ı", "i")
    if options.fold_diacritics:
        text = _fold_latin(text)
    if options.fold_umlaut_digraphs and _LATIN_RE.search(text):
        text = _DIGRAPH_RE.sub(r"\1", text)
    if _CYRILLIC_RE.search(text):
        text = "".join(_CYRILLIC_MAP.get(ch, ch) for ch in text)
        if options.fold_homoglyphs:
            text = text.translate(_HOMOGLYPH_TRANSLATE)
    if options.collapse_repeats:
        text = _REPEAT_RE.sub(r"\1", text)
    return text.strip()


def split_words(text: str) -> List[Tuple[str, int, int]]:
    """Words of ``text`` as (word, start, end), offsets into ``text``."""
    if not text:
        return []
    return [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


@dataclass
class NormalisedToken:
    text: str  # normalised form
    start: int  # offsets into the original text
    end: int

    @property
    def span(self) -> Tuple[int, int]:
        return self.start, self.end


def _is_arabic_script(word: str) -> bool:
    return bool(_ARABIC_SCRIPT_RE.search(word))


def _only_spacing_between(text: str, a: int, b: int) -> bool:
    gap = text[a:b]
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in gap)


# The assistant understands a message from its beginning: a need is told in the first few
# sentences, and a megabyte pasted into the chat must not hold the Rasa server for minutes
# (a 1.2 MB message took 113 s to parse before this cap; the whole text is still stored).
MAX_NLU_CHARS = 4_000


def normalise_tokens(
    text: Optional[str], options: NormalisationOptions = DEFAULT_OPTIONS
) -> List[NormalisedToken]:
    """Tokenises and normalises the first MAX_NLU_CHARS of ``text``; may return an empty list."""
    if not text:
        return []
    text = text[:MAX_NLU_CHARS]
    tokens: List[NormalisedToken] = []
    for word, start, end in split_words(text):
        norm = normalise_word(word, options)
        if norm:
            tokens.append(NormalisedToken(norm, start, end))
    if options.join_persian_affixes and tokens:
        tokens = _join_persian_affixes(text, tokens)
    return tokens


def _join_persian_affixes(
    text: str, tokens: List[NormalisedToken]
) -> List[NormalisedToken]:
    out: List[NormalisedToken] = []
    for tok in tokens:
        if out:
            prev = out[-1]
            adjacent = _only_spacing_between(text, prev.end, tok.start)
            both_arabic = _is_arabic_script(prev.text) and _is_arabic_script(tok.text)
            if adjacent and both_arabic and (
                prev.text in PERSIAN_PREFIXES or tok.text in PERSIAN_SUFFIXES
            ):
                out[-1] = NormalisedToken(prev.text + tok.text, prev.start, tok.end)
                continue
        out.append(NormalisedToken(tok.text, tok.start, tok.end))
    return out


def normalise_text(text: Optional[str], options: NormalisationOptions = DEFAULT_OPTIONS) -> str:
    """The normalised tokens joined by spaces (for debugging and tests)."""
    return " ".join(t.text for t in normalise_tokens(text, options))


# Arabic writes the article, some prepositions and "and" onto the word: بالعربي, العربية,
# وبالعربي, للجوب سنتر. Stripped (when three letters stay) to compare stems; run on normalised
# words (ك is already ک).
_ARABIC_PROCLITICS = regex.compile(r"^(?:و|ف)?(?:بال|وال|لل|ال|ب|ل|ک)(?=\w{3})")


def strip_arabic_proclitics(word: str) -> str:
    """The normalised word without an Arabic article or preposition written onto it."""
    return _ARABIC_PROCLITICS.sub("", word) if _is_arabic_script(word) else word


def word_prefixes(text: str, length: int) -> List[str]:
    """The first ``length`` letters of each normalised word (Arabic proclitics stripped first).

    A truncation stemmer that works in every script without a word list: "wohnungen",
    "wohnungssuche" and "wohnung" share "wohn"; "квартиру", "квартира" share "квар"; Turkish
    suffix chains ("evimizden", "evde") keep their stem's start.
    """
    return [strip_arabic_proclitics(word)[:length] for word in text.split()]


# Arabizi: Arabic written in Latin letters, with digits for the letters Latin lacks (3 = ع,
# 7 = ح, 2 = ء, 5 = خ, 9 = ص, 6 = ط): "bade 3amal" = بدي عمل. An n-gram model cannot connect
# the two spellings, so a message in Arabizi is also written in Arabic script, roughly (short
# vowels dropped as Arabic drops them, long ones as ا و ی), and its features see both. Only a
# message with a word that uses one of those digits the way Arabizi does counts as Arabizi:
# "ana ta3ban" does, "ich habe a2", "saat 3te", "2nd time", "sgb2" and "48143" do not.
_ARABIZI_DIGRAPHS = {
    "sh": "ش", "ch": "ش", "kh": "خ", "gh": "غ", "th": "ث", "dh": "ذ",
    "aa": "ا", "ee": "ی", "ii": "ی", "ei": "ی", "ai": "ی", "ay": "ی", "oo": "و", "ou": "و", "uu": "و", "aw": "و",
}
_ARABIZI_LETTERS = {
    "2": "ا", "3": "ع", "5": "خ", "6": "ط", "7": "ح", "9": "ص", "b": "ب", "p": "ب", "t": "ت", "j": "ج",
    "g": "ج", "d": "د", "r": "ر", "z": "ز", "s": "س", "f": "ف", "v": "ف", "q": "ق", "k": "ک", "c": "ک",
    "l": "ل", "m": "م", "n": "ن", "h": "ه", "w": "و", "y": "ی", "x": "کس",
}
_ARABIZI_VOWELS = {"a": "ا", "e": "ی", "i": "ی", "o": "و", "u": "و"}  # where a vowel is written at all
# A digit inside a word ("ta3ban", "a7la", "ma3i"), before a vowel at its start ("3amal", "7abibi",
# "2ana") or after a vowel at its end ("la2", "ma3", "sa7"). Not: "2nd", "3te", "9am", "2mal", "mp3",
# "sgb2", "kw23", "covid19", "h2o", "a2".
_ARABIZI_WORD = regex.compile(
    r"(?=[a-z0-9]{4})[a-z]*[a-z][235679][a-z]+"
    r"|[235679][aeiou][a-z]{2,}"
    r"|[a-z]+[aeiou][235679]"
)
_LATIN_WORD = regex.compile(r"[a-z0-9]*[a-z][a-z0-9]*")


def arabizi_word_in_arabic_script(word: str) -> str:
    """One normalised Latin word written in (normalised) Arabic script: "3amal" -> "عمل"."""
    out: List[str] = []
    i = 0
    while i < len(word):
        pair = _ARABIZI_DIGRAPHS.get(word[i : i + 2])
        if pair:
            out.append(pair)
            i += 2
            continue
        ch = word[i]
        if ch in _ARABIZI_VOWELS:
            if i == 0:
                out.append("ا")
            elif i == len(word) - 1:
                out.append(_ARABIZI_VOWELS[ch])
            elif ch in "iou":  # a medial a/e is a short vowel: not written
                out.append(_ARABIZI_VOWELS[ch])
        elif ch in _ARABIZI_LETTERS:
            out.append(_ARABIZI_LETTERS[ch])
        i += 1
    return "".join(out)


def with_arabizi_in_arabic_script(text: str) -> str:
    """A normalised text; if it is Arabizi, followed by its Latin words in Arabic script."""
    words = text.split()
    if not any(_ARABIZI_WORD.fullmatch(word) for word in words):
        return text
    written = [arabizi_word_in_arabic_script(word) for word in words if _LATIN_WORD.fullmatch(word)]
    return " ".join([text, *(word for word in written if word)])
