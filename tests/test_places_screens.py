"""find_places reads a text's words from its fold in one pass: the same candidate aliases, in the same order,
as folding each word on its own, on arbitrary texts and on the bundled gazetteer; and it keeps the spans that
overlap none longer with a bisection, as the check of every span taken before did."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.tasks.normalize import ascii_runs
from forumwatch.tasks.places import (
    FOLDED_ASCII_WORD,
    LETTER,
    UNALIGNED,
    WORD,
    _alias_words,
    _candidates,
    _candidates_by_word,
    build,
    fold,
    load_gazetteer,
    longest_first,
)

GAZETTEER = load_gazetteer()
SMALL = build([{"place": "x", "name": "Ab", "aliases": "Abc* | AB | Ёлк* | ёлка | -x"}])
PIECES = [
    *("Beijing", "BEIJING", "US", "us", "Tell us", "Peking's", "Пекин", "пекинский", "Пекине", "ПЕКИНА", "Ёлка"),
    *("елке", "Abcd", "abc", "AB", "Ab", "Русь", "Японском море", "Sea of Japan", "北京", "白俄罗斯", "İ", "Σ"),
    *("ΑΣ", "ſ", "K", "ß", "Ⅻ", "²", "_", "-", " ", "\n", ".", "'", "1", "é", "\u0301"),
]


@settings(max_examples=500, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=12).map("".join))
def test_candidates_from_the_folded_text_are_those_of_each_word_folded_alone(text):
    for gazetteer in (GAZETTEER, SMALL):  # find_places reads nothing else of the text
        assert _candidates(text, gazetteer) == _candidates_by_word(text, gazetteer), text


def test_lower_case_is_one_character_for_one_and_keeps_letters_letters_outside_the_unaligned_ones():
    everything = "".join(
        chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF and chr(c) not in UNALIGNED
    )
    lowered = fold(everything)
    assert len(lowered) == len(everything)
    letters = re.compile(LETTER)
    assert [m.start() for m in letters.finditer(lowered)] == [m.start() for m in letters.finditer(everything)]


def _longest_first_by_scan(spans: list[tuple[int, int, str]]) -> set[str]:
    """longest_first as it was: each span checked against every span taken before."""
    taken: list[tuple[int, int]] = []
    places = set()
    for start, end, place in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= a or start >= b for a, b in taken):
            taken.append((start, end))
            places.add(place)
    return places


SPAN = st.tuples(st.integers(0, 30), st.integers(0, 6), st.sampled_from("abcdef")).map(
    lambda t: (t[0], t[0] + t[1], t[2])
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(spans=st.lists(SPAN, max_size=25))
def test_spans_kept_by_bisection_are_those_kept_by_checking_every_span_taken(spans):
    assert longest_first(list(spans)) == _longest_first_by_scan(spans)


def test_the_words_of_a_folded_ascii_text_are_its_runs_of_a_to_z():
    ascii_text = "".join(map(chr, range(128)))
    text = fold(" ".join(ascii_text) + ascii_text)
    assert ascii_runs(text, FOLDED_ASCII_WORD) == WORD.findall(text) == re.findall("[a-z]+", text)


@settings(derandomize=True, deadline=None)
@given(text=st.text(st.characters(max_codepoint=127)))
def test_the_words_of_any_folded_ascii_text_are_those_re_finds(text):
    folded = fold(text)
    assert ascii_runs(folded, FOLDED_ASCII_WORD) == WORD.findall(folded)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    words=st.lists(st.sampled_from(["abc", "abcd", "ab", "us", "beijing", "x", "elk"]) | st.text("abcdxy", max_size=5))
)
def test_ascii_words_looked_up_by_the_ascii_heads_alone_begin_the_same_aliases(words):
    """An ASCII word has no non-ASCII head: the ASCII heads alone find the same words (SMALL has an ASCII stem)."""
    assert SMALL.ascii_heads == {"abc"} and not GAZETTEER.ascii_heads
    for gazetteer in (GAZETTEER, SMALL):
        found = dict.fromkeys(words)
        assert _alias_words(found, gazetteer, True) == _alias_words(found, gazetteer, False)
