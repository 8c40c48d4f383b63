"""dominant_script's shortcuts (an ASCII sample is LATIN; counting in C) give the plain count's answer, and a text's
words and CJK characters counted by str.split where it can be are the regex counts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.tasks.language import (
    _KANA,
    _LETTER,
    SCRIPT_SAMPLE_CHARS,
    _script_of,
    cjk_chars,
    dominant_script,
    spaced_words,
    text_units,
    unspaced_words,
)


def plain_dominant_script(text: str) -> str | None:
    sample = text[:SCRIPT_SAMPLE_CHARS]
    counts: dict[str, int] = {}
    for char in _LETTER.findall(sample):
        counts[_script_of(char)] = counts.get(_script_of(char), 0) + 1
    if not counts:
        return None
    if _KANA.search(sample) and "CJK" in counts:
        return "HIRAGANA"
    return max(counts, key=lambda s: counts[s])


PIECES = ["Beijing ", "Пекин ", "北京", "ひらがな", "한국", "عربي", "ελλάδα", "é", "1", " ", "_", "x" * 590]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=10).map("".join))
def test_dominant_script_is_the_plain_count(text):
    assert dominant_script(text) == plain_dominant_script(text), text


# Every kind of space str.isspace knows (the separators \x1c-\x1f, NEL, no-break, ideographic...), and the scripts
# counted apart from spaced words (Han, kana, hangul, full-width forms, Thai, Khmer).
SPACES = ["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", " ", "\x85", "\xa0", "\u2003", "\u2028", "\u3000"]
WORD_PIECES = [
    *SPACES,
    "word",
    "Слово",
    "é",
    "北京",
    "ひらがな",
    "한국",
    "ＡＢ",
    "。",
    "ภาษาไทย",
    "ខ្មែរ",
    "\u200b",
    "𠀀",
]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(WORD_PIECES) | st.text(max_size=3), max_size=12).map("".join))
def test_words_and_cjk_characters_are_the_regex_counts(text):
    assert text_units(text) == (spaced_words(text) + unspaced_words(text), cjk_chars(text)), repr(text)
