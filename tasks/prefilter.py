"""Strings a regex cannot match without: a substring test (C speed) that spares most regex scans of a text.

`required_literals(r"(?i:with inputs from)\\s+(?:ANI|PTI)\\b")` is {"ANI", "PTI"}: every match holds one of
them, so a text holding neither needs no scan. A pattern (or part) that stands for a few fixed strings gives
those strings; otherwise literal runs, mandatory groups and alternations do. Case-insensitive parts, open-ended
character sets and repeats, and lookarounds require nothing here.
"""

from __future__ import annotations

import re
from itertools import product
from re import _constants as sre_constants  # type: ignore[attr-defined]  # Python's own regex parser (3.11+)
from re import _parser as sre_parse  # type: ignore[attr-defined]

_IGNORECASE = sre_constants.SRE_FLAG_IGNORECASE
MAX_EXPANSIONS = 256  # a bound on the work of expanding one pattern
MAX_REPEAT = 2  # x? and x{0,2} expand; longer repeats do not
START = "\x00start"  # marks `^` in an expansion


class NotLiteral(ValueError):
    """The pattern is not a small alternation of fixed strings."""


def expand(items) -> list[list[str]]:
    """Every sequence of characters (and START marks) the parsed pattern `items` matches; NotLiteral when there
    are more than MAX_EXPANSIONS or the pattern holds more than literals, small sets, groups, alternations,
    short repeats and `^`."""
    out: list[list[str]] = [[]]
    for op, av in items:
        if op is sre_constants.LITERAL:
            choices: list[list[str]] = [[chr(av)]]
        elif op is sre_constants.IN:
            choices = []
            for inner_op, inner_av in av:
                if inner_op is not sre_constants.LITERAL:
                    raise NotLiteral(f"character set with {inner_op}")
                choices.append([chr(inner_av)])
        elif op is sre_constants.BRANCH:
            choices = [seq for branch in av[1] for seq in expand(branch)]
        elif op is sre_constants.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise NotLiteral("inline flags")
            choices = expand(sub)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, sub = av
            if high > MAX_REPEAT:
                raise NotLiteral("long repeat")
            once = expand(sub)
            choices = [
                [ch for part in parts for ch in part] for n in range(low, high + 1) for parts in product(once, repeat=n)
            ]
        elif op is sre_constants.AT and av is sre_constants.AT_BEGINNING:
            choices = [[START]]
        else:
            raise NotLiteral(f"{op}")
        out = [seq + choice for seq in out for choice in choices]
        if len(out) > MAX_EXPANSIONS:
            raise NotLiteral("too many expansions")
    return out


def required_literals(pattern: str | re.Pattern[str]) -> frozenset[str] | None:
    """Strings at least one of which every match of the pattern contains; None when none is known."""
    text, flags = (pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern) else (pattern, 0)
    try:
        parsed = sre_parse.parse(text, flags)
    except (re.error, TypeError):
        return None
    if parsed.state.flags & _IGNORECASE:
        return None
    found = _required(list(parsed))
    return frozenset(found) if found else None


def _better(current: set[str] | None, candidate: set[str] | None) -> set[str] | None:
    """The more selective of two requirements: the one whose shortest string is longer."""
    if not candidate or "" in candidate:
        return current
    if current is None or min(map(len, candidate)) > min(map(len, current)):
        return candidate
    return current


def _required(items) -> set[str] | None:
    try:  # a few fixed strings ("PTI|Press Trust of India"): the strings themselves
        return {"".join(ch for ch in seq if ch != START) for seq in expand(items)} or None
    except NotLiteral:
        pass
    best: set[str] | None = None
    run: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        best = _better(best, {"".join(run)} if run else None)
        run = []
        if op is sre_constants.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if not add_flags & _IGNORECASE:
                best = _better(best, _required(list(sub)))
        elif op is sre_constants.BRANCH:
            branches = [_required(list(branch)) for branch in av[1]]
            if all(branches):
                best = _better(best, set().union(*branches))  # type: ignore[arg-type]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1:
                best = _better(best, _required(list(sub)))
        # anything else (sets, any character, anchors, lookarounds, backreferences) requires no literal
    return _better(best, {"".join(run)} if run else None)


def may_match(literals: frozenset[str] | None, text: str) -> bool:
    """False only when the text holds none of the required strings (so the regex cannot match it)."""
    return literals is None or any(literal in text for literal in literals)


def _fold_char(ch: str) -> str:
    upper = ch.upper()
    folded = (upper if len(upper) == 1 else ch).lower()[0]
    return "е" if folded == "ё" else folded


# The characters str.lower() does not fold as re.IGNORECASE takes them (a case IGNORECASE also takes as equal, a
# lower case of two characters, 'ё'), and 'Σ', whose lower case depends on its neighbours (a final 'ς').
# tests/test_prefilter.py checks the list over every code point.
_UNLIKE_LOWER = "\u00b5\u0130\u0131\u017f\u0345\u03c2\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u0401\u0451\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1c88\u1e9b\u1fbe\u03a3"  # µİıſ ͅ ςϐϑϕϖϰϱϵ Ёё ᲀ-ᲈ ẛ ι Σ
_UNLIKE = re.compile("|".join(map(re.escape, _UNLIKE_LOWER)))
_FOLD_UNLIKE = {ch: _fold_char(ch) for ch in _UNLIKE_LOWER}


def fold(text: str) -> str:
    """Lower-case `text` so that characters re.IGNORECASE takes as equal become equal ('ſ' -> 's',
    'İ' -> 'i', 'ς' -> 'σ'; and 'ё' -> 'е', as the tag term regexes take them), one character for one: the
    folded text's offsets are the text's, and its word boundaries too but after U+0345 (a combining mark
    folded to the letter 'ι')."""
    if not text.isascii() and _UNLIKE.search(text):
        text = _UNLIKE.sub(lambda m: _FOLD_UNLIKE[m.group(0)], text)
    return text.lower()


def case_blind_literals(pattern: str) -> frozenset[str] | None:
    """Strings, folded, at least one of which every match of the pattern holds once folded, though it matches
    case-insensitively (its `(?i:...)` parts too); None when none is known."""
    found = required_literals(pattern.replace("(?i:", "(?:"))  # the same structure, matched case by case
    return frozenset(fold(literal) for literal in found) if found else None
