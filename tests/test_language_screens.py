"""dominant_script's shortcuts (an ASCII sample is LATIN; counting in C) give the plain count's answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.tasks.language import _KANA, _LETTER, SCRIPT_SAMPLE_CHARS, _script_of, dominant_script


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
