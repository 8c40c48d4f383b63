"""Signatures of a few documents tokenize by str.split: the same word hashes, documents and counts as Arrow's
split, on arbitrary documents (runs of spaces, short documents, any script)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.tasks.dedupe import MIN_WORDS, _arrow_tokens, _python_tokens

WORDS = ["china", "russia", "forum", "北", "京", "пекин", "", " ", "  ", "x" * 30, "é", "\u0301", "\t", "\n"]
WORD = st.sampled_from(WORDS) | st.text(max_size=5)
DOCUMENT = (st.lists(WORD, max_size=8) | st.lists(WORD, min_size=MIN_WORDS - 4, max_size=3 * MIN_WORDS)).map(" ".join)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(docs=st.lists(DOCUMENT, min_size=1, max_size=6))
def test_python_tokens_are_arrow_tokens(docs):
    for fast, plain in zip(_python_tokens(docs), _arrow_tokens(docs)):
        assert np.array_equal(fast, plain), docs
        assert fast.dtype == plain.dtype or fast.dtype.kind == plain.dtype.kind == "i"
