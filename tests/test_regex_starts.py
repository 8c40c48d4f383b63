"""finditer_from_starts gives finditer's matches, trying a pattern only where match_starts says a match can begin:
for every credit and dateline pattern of seeds/agencies.csv and for arbitrary patterns, on arbitrary texts."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.tasks.attribute import load_agencies
from forumwatch.tasks.regex_starts import Starts, finditer_from_starts, fixed_strings, match_starts

SEEDED = [a.regex for a in load_agencies() if a.kind != "cited"]
TEXT_PIECES = [
    *("Reuters", "Reuters:", "Reuters |", "-- PTI", " — Reuters ", "–AFP", "AP", "KYODO", "Source: Global Times"),
    *("(ANI)", "with inputs from ANI", "新华社北京10月31日电", "中新网", "МОСКВА, 31 октября. /ТАСС/.", "ТАСС"),
    *("\n", "\n\n", "\r", " ", "-", "—", "A", "R", "x", "é"),
]
PATTERN_PIECES = [
    *("^", "[-—–]{1,2}", "[-—–]", "R", "AP", "a+", "(?:a|b)", "(?:a|)", "a?", "\\s*", "\\s+", "$", "\\b", "(?i:a)"),
    *("[a-c]", "[^a]", "\\w", "(?P<g>x)", "(?<=a)", "(?!b)", ".", "{0,2}", "(", ")", "|"),
]


def _found(matches) -> list[tuple[tuple[int, int], tuple]]:
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(TEXT_PIECES) | st.text(max_size=3), max_size=16).map("".join))
def test_seeded_patterns_find_finditers_matches(text):
    for pattern in SEEDED:
        starts = match_starts(pattern)
        if starts is not None:
            assert _found(finditer_from_starts(pattern, starts, text)) == _found(pattern.finditer(text)), pattern


def test_the_slow_seeded_patterns_get_starts():
    found = {p.pattern: match_starts(p) for p in SEEDED}
    assert found[r"^Reuters\s*[|:]"] == Starts("R", line=True)
    assert found[r"[-—–]{1,2}\s*Reuters\s*$"] == Starts("-–—", line=False)
    assert found[r"\(Reuters\)"] is None  # re skips to its literal prefix itself


@settings(max_examples=1000, derandomize=True, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PATTERN_PIECES), min_size=1, max_size=6),
    multiline=st.booleans(),
    text=st.lists(st.sampled_from([*"aAbRcx-—\n ", "AP", "\n-"]), max_size=20).map("".join),
)
def test_arbitrary_patterns_find_finditers_matches(pieces, multiline, text):
    try:
        pattern = re.compile("".join(pieces), re.M if multiline else 0)
    except re.error:
        return
    starts = match_starts(pattern)
    if starts is not None:
        assert _found(finditer_from_starts(pattern, starts, text)) == _found(pattern.finditer(text))


def test_fixed_strings_are_what_a_pattern_of_a_few_fixed_strings_matches():
    assert fixed_strings("AP|Associated Press") == {"AP", "Associated Press"}
    assert fixed_strings("People['’]s Daily") == {"People's Daily", "People’s Daily"}
    assert fixed_strings("Anadolu(?: Agency)?") == {"Anadolu", "Anadolu Agency"}
    for pattern in (r"РИА\s*Новости", "(?i)AP", "^AP", "a|", "[a-z]+", "("):
        assert fixed_strings(pattern) is None, pattern
