"""language.classify walks py3langid's byte automaton in numpy, each position's state from its last DFA_REACH bytes:
exact because the automaton is an Aho-Corasick one over strings of at most DFA_REACH bytes (checked here over every
state and byte), and it gives py3langid's own counts and language on arbitrary texts and bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import py3langid
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid import langid

from forumwatch.tasks.language import DFA_REACH, classify, feature_counts

DATA = Path(__file__).parent / "data"
PIECES = [
    *("The minister said", " Beijing", "Xiangshan Forum", "Министр обороны", "заявил", "北京香山论坛", "表示"),
    *("防衛大臣は", "국방부", "Le ministre a déclaré", "Der Minister", "وزير الدفاع", "שר הביטחון", "रक्षा मंत्री"),
    *("ΥΠΟΥΡΓΟΣ", "İstanbul", "ſ", "K", "\u0301", "\u200b", "😀", "2026", " ", "\n", ".", "«", "»"),
]


@pytest.fixture(scope="module")
def identifier() -> langid.LanguageIdentifier:
    return langid._get_identifier()


def test_the_automaton_is_aho_corasick_over_strings_of_at_most_dfa_reach_bytes(identifier):
    """Every state is one string (its unique shortest path from the start), at most DFA_REACH bytes long; every
    transition goes to the state of the longest suffix of that string plus the byte (the goto edge, else the
    fail state's transition). Then a state after any bytes is that of their longest suffix that is a state:
    the same after their last DFA_REACH bytes alone."""
    rows = np.asarray(identifier.tk_nextmove).reshape(-1, 256)
    assert aho_corasick_depth(rows, np.asarray(identifier.tk_row, dtype=np.int64)) <= DFA_REACH


def aho_corasick_depth(rows: np.ndarray, row_of: np.ndarray, chunk: int = 8192) -> int:
    """The longest string of an automaton (state s's transitions: rows[row_of[s]]) checked to be Aho-Corasick."""
    n = len(row_of)
    depth = np.full(n, -1, dtype=np.int64)
    depth[0] = 0
    parent = np.zeros(n, dtype=np.int64)
    byte = np.zeros(n, dtype=np.int64)
    levels = [np.array([0])]
    while len(levels[-1]):  # breadth first: a state's depth is the length of its shortest path
        front = levels[-1]
        targets = rows[row_of[front]].astype(np.int64).ravel()
        new = depth[targets] < 0
        found, first = np.unique(targets[new], return_index=True)
        depth[found] = len(levels)
        parent[found] = np.repeat(front, 256)[new][first]
        byte[found] = np.tile(np.arange(256), len(front))[new][first]
        levels.append(found)
    assert (depth >= 0).all()
    for start in range(0, n, chunk):
        states = np.arange(start, min(n, start + chunk))
        targets = rows[row_of[states]].astype(np.int64)
        deeper = depth[targets] == depth[states][:, None] + 1
        tail = np.argwhere(deeper)
        # the only edge into a state from a shorter one is its path's last: each state is one string
        assert (parent[targets[deeper]] == states[tail[:, 0]]).all() and (byte[targets[deeper]] == tail[:, 1]).all()
    fail = np.zeros(n, dtype=np.int64)
    for level in levels[2:]:  # fail(goto(s, c)) = δ(fail(s), c); the states one byte long fail to the start
        fail[level] = rows[row_of[fail[parent[level]]], byte[level]]
    for start in range(0, n, chunk):
        states = np.arange(start, min(n, start + chunk))
        expected = rows[row_of[fail[states]]].astype(np.int64)
        if start == 0:
            expected[0] = 0
        child = np.flatnonzero((parent >= start) & (parent < states[-1] + 1))
        child = child[child > 0]
        expected[parent[child] - start, byte[child]] = child  # the goto edges
        assert (rows[row_of[states]] == expected).all()
    return int(depth.max())


def _counts(identifier, data: bytes) -> list[tuple[int, float]]:
    features, counts = feature_counts(identifier, data)
    return list(zip(features.tolist(), counts.tolist()))


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=40).map("".join), data=st.binary())
def test_numpy_walk_counts_and_language_are_py3langids(identifier, text, data):
    for raw in (identifier._encode(text), data):
        visits = langid.visit_counts(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output, raw)
        assert _counts(identifier, raw) == list((visits or {}).items())
    assert classify(text) == py3langid.classify(text)[0]


def test_language_of_the_bundled_texts_is_py3langids():
    texts = [p.read_text(encoding="utf-8") for p in DATA.glob("*.txt")]
    for text in texts:
        for size in (600, 1000, len(text)):
            assert classify(text[:size]) == py3langid.classify(text[:size])[0]
