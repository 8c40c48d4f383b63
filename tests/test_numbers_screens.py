"""The numbers patterns that match their first character before looking behind it find exactly what the
plain patterns (lookbehind first, re.IGNORECASE) find, on arbitrary texts."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.tasks import numbers as N
from forumwatch.tasks.regex_starts import matches_at

_MONTHS_RU = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
PLAIN = {
    "NUMBER": re.compile(
        r"(?<!\d)(?<!\d[.,])(\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3}(?!\d))+|\d+)"
        r"(?:[.,](\d+))?"
        rf"(?:\s?({N._CN_SCALE})|\s?({N._LATIN_SCALE}|{N._CYR_SCALE})(?:[^\W\d_]*)\.?(?![^\W\d_]))?",
        re.IGNORECASE,
    ),
    "ROMAN": re.compile(r"(?<![^\W\d_])([IVXLC]{1,7})(?![^\W\d_])"),
    "CLOCK": re.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?::\d{2})?(?!\d)"),
    "DATE_EN_MD": re.compile(rf"\b({N._EN_MONTH})\.?\s+(\d{{1,2}})(?!\d)(?:st|nd|rd|th)?", re.IGNORECASE),
    "DATE_EN_DM": re.compile(rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({N._EN_MONTH})\b\.?", re.IGNORECASE),
    "DATE_RU": re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_MONTHS_RU})", re.IGNORECASE),
    "DATE_CN": re.compile(rf"({N._CN_NUM}{{1,3}})\s?月\s?({N._CN_NUM}{{1,3}})\s?[日号]"),
    "CN_DAY": re.compile(rf"(?<![0-9０-９]){N._CN_NUM}{{1,3}}\s?[日号]"),
}
PIECES = [
    *("Sept.", "sep", "MAY", "Auguſt", "aprİl", "Juneau", "of", "1st", "22nd", "October", "mar"),
    *("1", "12", "123", "1,234", "1 800", "2.5", "0,5", "１８", "٣", "13:42", "9：05:01", "billion", "bn.", "млрд"),
    *("31 октября", "Мая", "XI", "IV", "MCM", "ИX", "10月31日", "十月", "三号", "第十", "届", "二〇二三年", "万亿"),
    *(" ", "  ", "\n", ".", ",", "-", "_", "a", "Я", "é", "\u00a0"),
]


@settings(max_examples=600, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=14).map("".join))
def test_first_character_patterns_find_what_the_plain_patterns_find(text):
    for name, plain in PLAIN.items():
        fast = getattr(N, name)
        expected = [(m.span(), m.groups()) for m in plain.finditer(text)]
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == expected, (name, text)
    if N.CN_NUMERAL.search(text):
        assert N.CN_NUMERAL_CHAR.search(text)


def test_ignorecase_extra_lists_every_other_character_ignorecase_takes_for_a_month_initial():
    initials = sorted({m[0] for m in N.MONTHS_EN})
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for initial in initials:
        found = set(re.findall(initial, everything, re.IGNORECASE))
        assert found == {initial, initial.upper(), *N.IGNORECASE_EXTRA.get(initial, "")}, initial


def test_a_month_written_with_a_character_ignorecase_takes_for_a_letter_is_read():
    """Hostile text: 'ſ' (long s) and 'ᲂ' (narrow o) match s and о under re.IGNORECASE but are kept by lower()."""
    found = [N.mentions(t).dates for t in ("on 5 Auguſt", "Aprİl 5", "5 \u1c82ктября", "SEPT. 5", "31 мая")]
    assert found == [{"08-05"}, {"04-05"}, {"10-05"}, {"09-05"}, {"05-31"}]


@settings(max_examples=600, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=14).map("".join))
def test_a_text_without_a_patterns_marks_holds_no_match_of_it(text):
    """mentions scans a text with a pattern only where its screen lets it: the screens skip no match."""
    for name in N.MARKS:
        if getattr(N, name).search(text):
            assert N._holds(text, name), (name, text)
    for pattern in (N.DATE_RU, N.CYRILLIC, N.CN_NUMERAL_CHAR):
        if pattern.search(text):
            assert not text.isascii(), (pattern.pattern, text)


def test_no_ascii_character_matches_case_blind_a_letter_of_a_russian_month():
    """Every match of DATE_RU holds a month's letter, which no ASCII character matches, even case-blind."""
    letters = set(re.findall(r"[\u0400-\u04ff]", N.DATE_RU.pattern))
    assert len(letters) == 20  # the letters of января ... декабря
    for char in map(chr, range(128)):
        assert not any(re.fullmatch(letter, char, re.IGNORECASE) for letter in letters), char


@settings(max_examples=800, derandomize=True, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            [
                *PIECES,
                "May.",
                "May . ",
                "mAy\u2003",
                "xMay",
                "Septembers",
                "_",
                "\u0130",
                "May  5",
                "Sept.\n 12th",
                "5th of May",
                "٣ May",
            ]
        )
        | st.text(max_size=3),
        max_size=14,
    ).map("".join)
)
def test_english_dates_found_from_the_digit_runs_are_finditers(text):
    runs = [m.start() for m in N.DIGITS.finditer(text)]
    expected = [(m.span(), m.groups()) for m in N.DATE_EN_MD.finditer(text)]
    assert [(m.span(), m.groups()) for m in N.month_day_matches(text, runs)] == expected, text
    expected = [(m.span(), m.groups()) for m in N.DATE_EN_DM.finditer(text)]
    assert [(m.span(), m.groups()) for m in matches_at(N.DATE_EN_DM, text, runs)] == expected, text


ASCII_PIECES = [p for p in PIECES if p.isascii()] + ["12:30", "Oct 5", "5 October", "3.", "1,2", "0"]


@settings(max_examples=600, derandomize=True, deadline=None)
@given(
    text=st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=14).map("".join)
    | st.lists(st.sampled_from(ASCII_PIECES) | st.text(st.characters(max_codepoint=127), max_size=3), max_size=20).map(
        "".join
    )
)
def test_patterns_tried_at_digit_runs_find_what_their_search_finds(text):
    """digit_runs are DIGITS' offsets (ASCII texts by str's C); CLOCK and DATE_RU tried at them, and NUMBER at those
    left whole in the blanked text, find what finditer finds."""
    runs = N.digit_runs(text)
    assert runs == [m.start() for m in N.DIGITS.finditer(text)]
    for pattern in (N.CLOCK, N.DATE_RU):
        assert [m.span() for m in matches_at(pattern, text, runs)] == [m.span() for m in pattern.finditer(text)]
    _dates, rest = N._dated(text, runs)
    found = [(m.span(), m.groups()) for m in N.number_matches(rest, runs)]
    assert found == [(m.span(), m.groups()) for m in N.NUMBER.finditer(rest)], (text, rest)
