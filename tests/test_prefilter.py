"""Required-literal screens never skip a text a regex matches (checked on the seed patterns and arbitrary
texts), and they skip texts that hold none of the strings."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.tasks.attribute import load_agencies
from forumwatch.tasks.prefilter import _UNLIKE_LOWER, _fold_char, fold, may_match, required_literals


def test_fixed_alternatives_are_their_own_strings():
    assert required_literals("PTI|Press Trust of India") == {"PTI", "Press Trust of India"}
    assert required_literals(r"(?i:with inputs from)\s+(?:ANI|PTI)\b") == {"ANI", "PTI"}
    assert required_literals(r"\(ANI\)") == {"(ANI)"}
    assert required_literals(r"(?:来源|稿源)\s*:\s*新华(?:社|网)") in ({"来源", "稿源"}, {"新华"})


def test_patterns_without_a_required_string_screen_nothing():
    for pattern in (r"(?i)xinhua", r"\d+", r"(?i:as per)\s+\w+", r"a*b?", r"[A-Z]{2,}"):
        assert required_literals(pattern) is None, pattern
        assert may_match(required_literals(pattern), "anything")


def test_a_text_without_the_strings_is_skipped_and_one_with_them_is_not():
    literals = required_literals(r"МОСКВА, \d+ \w+\. /ТАСС/")
    assert literals is not None
    assert not may_match(literals, "ПЕКИН, 31 октября. Синьхуа.")
    assert may_match(literals, "МОСКВА, 31 октября. /ТАСС/. Текст")


SEED_PATTERNS = [a.screen or a.regex for a in load_agencies()]
PIECES = ["(ANI)", "PTI", "Xinhua", "新华社", "来源：", "ТАСС", "/ТАСС/", "РИА Новости", "МОСКВА, 31 окт", " ", "\n"]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    text=st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=12).map("".join),
    index=st.integers(min_value=0),
)
def test_a_screen_never_skips_a_text_its_regex_matches(text, index):
    regex = SEED_PATTERNS[index % len(SEED_PATTERNS)]
    if regex.search(text):
        assert may_match(required_literals(regex), text), (regex.pattern, text)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    pattern=st.sampled_from([r"ab(c|de)?f", r"x(?:yz|w)+", r"^(?:tag|meta)-\d", r"q[rs]t|uv", r"(?i:k)LM", r"a{0,3}b"]),
    text=st.text(alphabet="abcdefqrstuvwxyzmKkLM-0^", max_size=12),
)
def test_the_screen_is_a_necessary_condition_on_arbitrary_texts(pattern, text):
    if re.search(pattern, text):
        assert may_match(required_literals(pattern), text), (pattern, text)


def translate_fold(text: str) -> str:
    """fold as it was written first: every non-ASCII character through _fold_char, then lower()."""
    table = {ord(ch): _fold_char(ch) for ch in set(text) if ord(ch) > 127}
    return text.translate(table).lower()


def test_fold_is_lower_but_for_the_listed_characters():
    """Over every code point: str.lower() folds a character as _fold_char does, one for one, but for the list."""
    unlike = {
        ch
        for ch in map(chr, range(128, sys.maxunicode + 1))
        if len(ch.lower()) != 1 or _fold_char(ch).lower() != ch.lower()
    }
    assert unlike | {"Σ"} == set(_UNLIKE_LOWER)
    assert fold("ΑΣ Σ ΣΑ") == translate_fold("ΑΣ Σ ΣΑ") == "ασ σ σα"  # no final 'ς' from the context


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ΑΣσςİıſёЁKkµ ͅabc中Ж-") | st.characters(), max_size=16))
def test_fold_of_a_text_is_its_characters_folded(text):
    assert fold(text) == translate_fold(text)
    assert len(fold(text)) == len(text)
