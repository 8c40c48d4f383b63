"""Scripts and languages of article text: script-aware length units and the article's ISO 639-1 language."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from py3langid import langid

# Characters written without spaces between words: each counts as one unit (Han, kana, hangul).
_CJK = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff"
    r"\u3130-\u318f\U00020000-\U0003134f]"
)
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
# Alphabetic scripts also written without spaces between words (Thai, Lao, Khmer, Myanmar): their words are
# estimated from their letters.
_UNSPACED_ALPHA = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_UNSPACED = re.compile(f"[{_UNSPACED_ALPHA}]")
LETTERS_PER_WORD = 5  # Thai, Lao, Khmer and Burmese words average about five letters
# Characters that are no part of a spaced word: CJK characters and punctuation, full-width forms, unspaced letters.
_NOT_IN_WORDS = (
    r"\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff"
    r"\u3130-\u318f\U00020000-\U0003134f\u3000-\u303f\uff00-\uffef" + _UNSPACED_ALPHA
)
_SPACED_WORD = re.compile(f"[^\\s{_NOT_IN_WORDS}]+")
# Without one of those, a text's words are its runs of non-space characters (`\s` is str.isspace, where str.split
# splits), and it holds no CJK or unspaced letters.
_NOT_IN_WORDS_CHAR = re.compile(f"[{_NOT_IN_WORDS}]")
_LETTER = re.compile(r"[^\W\d_]")
_TAG = re.compile(r"^[a-z]{2,3}$")
_LEGACY = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "sh": "sr"}
_THREE_TO_TWO = {"zho": "zh", "chi": "zh", "rus": "ru", "ukr": "uk", "jpn": "ja", "kor": "ko", "ara": "ar", "eng": "en"}
# Chinese varieties have no ISO 639-1 code of their own: the macrolanguage 'zh' covers them (py3langid says 'wuu').
_THREE_TO_TWO.update(dict.fromkeys(("cmn", "wuu", "yue", "gan", "hak", "nan", "hsn", "cjy", "lzh"), "zh"))
# Letter-script (first word of the Unicode name) -> the languages that are written in it.
_SCRIPT_LANGS = {
    "CJK": {"zh", "ja"},
    "HIRAGANA": {"ja"},
    "KATAKANA": {"ja"},
    "HANGUL": {"ko"},
    "CYRILLIC": {"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg", "tt", "ba", "cv", "os", "ab"},
    "ARABIC": {"ar", "fa", "ur", "ps", "ku", "sd", "ug", "ckb"},
    "HEBREW": {"he", "yi"},
    "GREEK": {"el"},
    "DEVANAGARI": {"hi", "mr", "ne", "sa"},
    "BENGALI": {"bn", "as"},
    "THAI": {"th"},
    "GEORGIAN": {"ka"},
    "ARMENIAN": {"hy"},
    "TAMIL": {"ta"},
    "TELUGU": {"te"},
    "GUJARATI": {"gu"},
    "GURMUKHI": {"pa"},
    "KANNADA": {"kn"},
    "MALAYALAM": {"ml"},
    "SINHALA": {"si"},
    "KHMER": {"km"},
    "LAO": {"lo"},
    "MYANMAR": {"my"},
    "ETHIOPIC": {"am", "ti"},
}
SCRIPT_SAMPLE_CHARS = 600  # text looked at for the script check
DETECT_SAMPLE_CHARS = 1000  # text given to the detector (py3langid's cost grows with it; 1000 is plenty)
CONFIRM_SAMPLE_CHARS = 600  # ... when it only checks a declared language


def cjk_chars(text: str) -> int:
    """Characters of scripts written without spaces between words (Han, kana, hangul)."""
    return len(_CJK.findall(text or ""))


def spaced_words(text: str) -> int:
    """Space-separated words, not counting CJK characters (nor CJK punctuation) as parts of words."""
    return len(_SPACED_WORD.findall(text or ""))


def unspaced_words(text: str) -> int:
    """Estimated words of Thai, Lao, Khmer and Burmese text (letters / LETTERS_PER_WORD)."""
    return len(_UNSPACED.findall(text or "")) // LETTERS_PER_WORD


def text_units(text: str) -> tuple[int, int]:
    """(words, CJK characters) of a text: spaced_words + unspaced_words, cjk_chars. A text without a character of
    the unspaced or CJK scripts is counted by str.split alone (a quarter of the regex scans' time)."""
    if text.isascii() or not _NOT_IN_WORDS_CHAR.search(text):
        return len(text.split()), 0
    return spaced_words(text) + unspaced_words(text), cjk_chars(text)


def length_units(text: str) -> int:
    """Script-aware length: words (counted, or estimated for Thai-like scripts) plus one unit per CJK character."""
    return sum(text_units(text))


def long_enough(text: str, min_words: int, min_cjk_chars: int) -> bool:
    """Enough words, or enough CJK characters (a CJK character is not a word: it gets its own threshold)."""
    words, chars = text_units(text)
    return words >= min_words or chars >= min_cjk_chars


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def dominant_script(text: str) -> str | None:
    """The letter script most of the sample is written in ('LATIN', 'CJK', 'CYRILLIC', ...), None if no letters."""
    sample = (text or "")[:SCRIPT_SAMPLE_CHARS]
    if sample.isascii():  # every letter is LATIN
        return "LATIN" if _LETTER.search(sample) else None
    counts = Counter(map(_script_of, _LETTER.findall(sample)))  # in order of first appearance, as max() needs
    if not counts:
        return None
    if _KANA.search(sample) and "CJK" in counts:  # Japanese mixes kanji and kana: kana decides
        return "HIRAGANA"
    return max(counts, key=lambda s: counts[s])


def normalize_tag(value: str | None) -> str | None:
    """ISO 639-1 code from a language tag ('zh-Hans', 'ru_RU', 'uk-UA', 'eng'); None if it is not one."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-")[0].split(",")[0].strip().lower()
    primary = _LEGACY.get(primary, _THREE_TO_TWO.get(primary, primary))
    return primary if _TAG.match(primary) and len(primary) == 2 else None


def fits_script(lang: str, script: str | None) -> bool:
    """Whether a language is plausible for text in a script (Latin or unknown scripts: any unlisted language)."""
    if script is None:
        return True
    if script in _SCRIPT_LANGS:
        return lang in _SCRIPT_LANGS[script]
    listed = set().union(*_SCRIPT_LANGS.values())
    return lang not in listed or lang in {"ku", "uz", "az", "tk", "sr", "kk", "mn"}  # also written in Latin


def detect(text: str, sample_chars: int = DETECT_SAMPLE_CHARS) -> str | None:
    """The detector's language for a text sample (py3langid), None for text without letters."""
    sample = (text or "")[:sample_chars]
    if not _LETTER.search(sample):
        return None
    return normalize_tag(classify(sample))


# py3langid's tokenizer is an Aho-Corasick automaton over byte strings of at most DFA_REACH bytes (checked over
# every state and byte by tests/test_language_dfa.py): its state after any bytes is its state after their last
# DFA_REACH bytes alone, so every position's state is found by DFA_REACH steps over all positions at once.
DFA_REACH = 6


@dataclass(frozen=True)
class _Walk:
    nextmove: np.ndarray  # the transition rows, flat (a state's row starts at rowbase[state])
    rowbase: np.ndarray
    output: np.ndarray  # per state: its feature, or -1


@lru_cache(maxsize=1)
def _walk_tables(identifier: langid.LanguageIdentifier) -> _Walk:
    rowbase = np.asarray(identifier.tk_row, dtype=np.int64) << 8
    return _Walk(np.asarray(identifier.tk_nextmove), rowbase, np.asarray(identifier.tk_output, dtype=np.intp))


def feature_counts(identifier: langid.LanguageIdentifier, data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """py3langid's visit_counts of the bytes as (features, counts) arrays in order of first visit (the order of
    its Counter's keys), both empty when it visits none."""
    tables = _walk_tables(identifier)
    text = np.frombuffer(data, dtype=np.uint8)
    states = np.zeros(len(text), dtype=np.int64)
    for back in range(min(DFA_REACH, len(text)) - 1, -1, -1):  # position i steps on byte i - back
        states[back:] = tables.nextmove[tables.rowbase[states[back:]] + text[: len(text) - back]]
    features = tables.output[states]
    features = features[features >= 0]
    found, first, counts = np.unique(features, return_index=True, return_counts=True)
    order = np.argsort(first)
    return found[order], counts[order].astype(np.float32)


def load_model() -> None:
    """Load py3langid's model now (0.6 CPU-s: it is an xz-compressed npz): done by the extraction pool's forkserver,
    every worker forked from it shares the arrays instead of decompressing its own copy."""
    identifier = langid._get_identifier()
    if all(hasattr(identifier, name) for name in _INTERNALS):
        _walk_tables(identifier)


def model_loaded() -> bool:
    """Whether py3langid's model is in this process (its module-level identifier, made on first use)."""
    return getattr(langid, "IDENTIFIER", None) is not None


_INTERNALS = ("_norm_probs", "min_confidence", "_encode", "tk_row", "tk_nextmove", "tk_output", "nb_ptc", "nb_pc",
              "nb_classes", "_alias_pairs")  # fmt: skip


def classify(sample: str) -> str:
    """py3langid.classify(sample)'s language (the same scores, the same sums in the same order), its byte
    automaton walked in numpy instead of a Python loop over the bytes."""
    identifier = langid._get_identifier()
    if not all(hasattr(identifier, name) for name in _INTERNALS):  # not py3langid 0.4's internals: its own walk
        return str(identifier.classify(sample)[0])
    if identifier._norm_probs or identifier.min_confidence is not None:
        return str(identifier.classify(sample)[0])
    features, counts = feature_counts(identifier, identifier._encode(sample))
    if len(features):  # LanguageIdentifier._sparse_score's arithmetic
        scores = np.log1p(counts) @ identifier.nb_ptc[features] + identifier.nb_pc
    else:
        scores = np.full(len(identifier.nb_classes), langid.RAW_FLOOR, dtype=np.float32)
    for i, j in identifier._alias_pairs:  # LanguageIdentifier._decide's, without norm_probs
        scores[i] = max(scores[i], scores[j])
        scores[j] = langid.RAW_FLOOR
    return str(identifier.nb_classes[int(scores.argmax())])


@dataclass(frozen=True)
class Language:
    code: str | None  # ISO 639-1
    source: str | None  # html | meta | detected | source


def article_language(
    html_lang: str | None, meta_lang: str | None, text: str | None, source_lang: str | None
) -> Language:
    """Declared language if the text's script agrees with it, else the detector, else the source's language."""
    script = dominant_script(text or "")
    for declared, where in ((html_lang, "html"), (meta_lang, "meta")):
        code = normalize_tag(declared)
        if code and text and fits_script(code, script):
            if script in {"CYRILLIC", "LATIN", "ARABIC"}:
                # One script, many languages (ru/uk, en/fr, ar/fa): a template's default is common; the
                # detector overrules a declaration where it disagrees on a long enough sample.
                found = detect(text, CONFIRM_SAMPLE_CHARS) if len(text) >= 200 else None
                if found and found != code and fits_script(found, script):
                    return Language(found, "detected")
            return Language(code, where)
        if code and not text:
            return Language(code, where)
    found = detect(text or "")
    if found:
        return Language(found, "detected")
    code = normalize_tag(source_lang)
    return Language(code, "source" if code else None)
