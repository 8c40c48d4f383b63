"""Where a regex's matches can begin, for the patterns Python's re cannot skip to: `^X` (re.M) or `[-—–]{1,2}X`;
and the strings a pattern stands for, when it is a few fixed strings.

re's search skips ahead in C only to a literal prefix or a first character set; before a line anchor or a repeat
it tries the whole pattern at every position. `match_starts(r"^Reuters\\s*[|:]", re.M)` is Starts("R", line=True):
every match begins with R at a line start, so `finditer_from_starts` tries the pattern there alone (positions
found by str.find) and gives finditer's matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as sre_constants  # type: ignore[attr-defined]  # Python's own regex parser (3.11+)
from re import _parser as sre_parse  # type: ignore[attr-defined]

from forumwatch.tasks.prefilter import START, NotLiteral, expand

MAX_CHARS = 64  # a larger first character set is not worth a find per character


@dataclass(frozen=True)
class Starts:
    chars: str  # a match's first character is one of these
    line: bool  # and it begins a line (at 0 or after "\n")


def match_starts(pattern: re.Pattern[str]) -> Starts | None:
    """Where every match of the pattern begins, when re cannot skip there itself (it begins with `^` under re.M, or
    with a repeat); None otherwise or when unknown (case-blind parts, sets of categories, an optional start)."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError):
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    items = list(parsed)
    line = bool(items) and items[0] == (sre_constants.AT, sre_constants.AT_BEGINNING)
    if line:
        if not parsed.state.flags & re.MULTILINE:
            return None
        items = items[1:]
    if not items or not (line or items[0][0] in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)):
        return None  # re skips to a first literal or set itself
    chars = _first_chars(items)
    return Starts("".join(sorted(chars)), line) if chars and len(chars) <= MAX_CHARS else None


def _first_chars(items) -> set[str] | None:
    """The characters a match of the parsed sequence can begin with; None when unknown or when it may be empty."""
    if not items:
        return None
    op, av = items[0]
    if op is sre_constants.LITERAL:
        return {chr(av)}
    if op is sre_constants.IN:
        found: set[str] = set()
        for inner_op, inner_av in av:
            if inner_op is sre_constants.LITERAL:
                found.add(chr(inner_av))
            elif inner_op is sre_constants.RANGE and inner_av[1] - inner_av[0] < MAX_CHARS:
                found.update(map(chr, range(inner_av[0], inner_av[1] + 1)))
            else:
                return None
        return found
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, _high, sub = av
        return _first_chars(list(sub)) if low >= 1 else None
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return _first_chars(list(sub)) if not add_flags and not del_flags else None
    if op is sre_constants.BRANCH:
        branches = [_first_chars(list(branch)) for branch in av[1]]
        return None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
    return None


def fixed_strings(pattern: str) -> frozenset[str] | None:
    """The strings the pattern stands for when it is a small alternation of fixed strings ("AP|Associated Press",
    "People['’]s Daily"); None otherwise."""
    try:
        parsed = sre_parse.parse(pattern)
        found = {"".join(seq) for seq in expand(list(parsed))}
    except (re.error, NotLiteral):
        return None
    if parsed.state.flags & re.IGNORECASE or not found or "" in found or any(START in s for s in found):
        return None
    return frozenset(found)


def start_positions(text: str, starts: Starts) -> list[int]:
    """The offsets, ascending, where a match can begin."""
    found: list[int] = []
    for char in starts.chars:
        if starts.line:
            if text.startswith(char):
                found.append(0)
            needle, shift = "\n" + char, 1
        else:
            needle, shift = char, 0
        at = text.find(needle)
        while at >= 0:
            found.append(at + shift)
            at = text.find(needle, at + 1)
    return sorted(found)


def finditer_from_starts(pattern: re.Pattern[str], starts: Starts, text: str) -> list[re.Match[str]]:
    """pattern.finditer(text)'s matches (`starts` being match_starts(pattern)): tried only where one can begin."""
    return matches_at(pattern, text, start_positions(text, starts))


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """pattern.finditer(text)'s matches, for a pattern whose every match begins at one of `starts` (ascending)."""
    found: list[re.Match[str]] = []
    end = 0
    for at in starts:
        if at >= end and (match := pattern.match(text, at)):  # its lookbehinds and ^ see the text before `at`
            found.append(match)
            end = match.end()  # never empty: a match holds its first character
    return found
