"""trafilatura's `extract_author` without copying and pruning the whole page first: the same author, found for a
fraction of the cost.

trafilatura copies the page's tree, deletes from the copy everything its AUTHOR_DISCARD_XPATHS select (comments,
sidebars, dates, figures...), then reads the first element its AUTHOR_XPATHS select whose text looks like a name.
On a news page the copy and the deletions cost more than the search itself. Here the search runs on the page as
parsed; a candidate that lies in a discarded part is passed over (one `ancestor-or-self` test per candidate), and
only the candidate's own subtree is copied and pruned to read its text, with trafilatura's own deletion. Every
author filter tests element names and attributes, which deletions elsewhere do not change. The one exception is
trafilatura's `rel='me'` (a child element named `rel`, not the attribute), which no HTML page holds.

Nor are the author filters run over the page: each is a walk of the whole tree in libxml2 (14 of them, ~0.15 ms
each on a news page). Every element they select has an attribute value holding one of the strings their tests
look for (`author`, `byl`, ...), so one pass over the attribute values finds the few candidates, and each filter
is asked only about those (`$c/self::...`, the same test on the same elements). Only the attributes the filters
test are read (`class`, `id`, `rel`, `itemprop`, ...: a fifth of a page's attribute text; `href`, `src`, SVG paths and
`srcset` are most of the rest), as plain strings, and the few strings found there are looked for again in libxml2
(`@class[contains(., 'author')]/..`): no Python object is made for an element that is not a candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.metadata import extract_author, normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from forumwatch.tasks.prefilter import NotLiteral, required_literals
from forumwatch.tasks.xpath_literals import LITERAL, REGEXP_NS, call_args, original, rewrite_path, top_level_parts

AUTHOR_MAX_CHARS = 120  # extract_author's len_limit


def ancestor_test(part: str) -> tuple[XPath, bool] | None:
    """`.//*[P]` -> (`ancestor-or-self::*[P]`, True: the context node itself is not selected); `//time` ->
    (`ancestor-or-self::time`, False); None for any other form of path (another step, a union in brackets...)."""
    text = part.strip()
    relative = text.startswith(".//")
    body = text[3:] if relative else text[2:] if text.startswith("//") else ""
    name = re.match(r"\*|[A-Za-z][\w-]*", body)
    if name is None:
        return None
    at = name.end()
    while at < len(body) and body[at] == "[":  # predicates only, up to the end: no further step
        try:
            at = call_args(body, at + 1)[1] + 1
        except NotLiteral:
            return None
    if body[at:].strip():
        return None
    return XPath(f"ancestor-or-self::{body}", namespaces={"re": REGEXP_NS}, smart_strings=False), relative


@cache
def _discard_tests() -> tuple[tuple[XPath, bool], ...] | None:
    """The discard filters as tests on a candidate's ancestors; None when one of them has another form."""
    paths = [rewrite_path(original(xpath).path) for xpath in AUTHOR_DISCARD_XPATHS]
    tests = [ancestor_test(part) for path in paths for part in top_level_parts(path)]
    return None if any(t is None for t in tests) else tuple(t for t in tests if t is not None)


def _discarded(element: HtmlElement, root: HtmlElement, tests: tuple[tuple[XPath, bool], ...]) -> bool:
    for test, relative in tests:
        for found in test(element):
            if not (relative and found is root):
                return True
    return False


def _pruned_text(element: HtmlElement) -> str:
    """The element's text as it reads in trafilatura's pruned copy of the page."""
    copy = prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS)
    return trim(" ".join(copy.itertext()))


# One test of a filter's value predicate: an attribute against a literal, or a child element's text (`rel='me'`).
_VALUE_TEST = (
    rf"@[\w:-]+\s*=\s*{LITERAL}|(?:contains|starts-with)\(\s*@[\w:-]+\s*,\s*{LITERAL}\s*\)"
    rf"|re:test\(\s*@[\w:-]+\s*,\s*{LITERAL}\s*\)|([A-Za-z][\w-]*)\s*=\s*{LITERAL}"
)
_VALUE_CHAIN = re.compile(rf"\s*(?:{_VALUE_TEST})(?:\s+or\s+(?:{_VALUE_TEST}))*\s*")
_ATTRIBUTE = re.compile(r"@([A-Za-z_][\w-]*)(?![\w:-])")  # a test's attribute, without a namespace prefix
_NUMBER = re.compile(r"(?<![\w-])\d|\b(?:position|last|count|string-length|sum|number|floor|ceiling|round)\s*\(")
_SEPARATOR = "\x00"  # between attribute values: never in one (lxml refuses it)


@dataclass(frozen=True)
class Candidates:
    """How to find the elements the author filters may select: an element that some attribute value of holds one
    of `strings`, unless the page holds an element named in `names` (then every filter runs over the page)."""

    strings: frozenset[str]
    names: frozenset[str]
    selects: tuple[XPath, ...]  # each filter asked about a list of candidates `$c`: those it selects, in order
    attributes: tuple[tuple[str, XPath], ...]  # each attribute the filters test, and its values on a page


def _value_strings(body: str) -> tuple[set[str], set[str], set[str]] | None:
    """(strings every value passing one of the tests holds, child element names tested, attributes tested) of a
    predicate that is an `or` of value tests; None for any other predicate."""
    if not _VALUE_CHAIN.fullmatch(body):
        return None
    strings: set[str] = set()
    names: set[str] = set()
    attributes: set[str] = set()
    for test in re.finditer(_VALUE_TEST, body):
        equal, inside, pattern, child = test[1], test[2], test[3], test[4]
        if child:
            names.add(child)
            continue
        found = required_literals(pattern[1:-1]) if pattern else frozenset([(equal or inside)[1:-1]])
        attribute = _ATTRIBUTE.match(test[0], test[0].index("@"))  # the first '@': the literal comes after
        if (
            attribute is None
            or not found
            or "" in found
            or any(_SEPARATOR in s or ("'" in s and '"' in s) for s in found)
        ):
            return None
        strings |= found
        attributes.add(attribute[1])
    return strings, names, attributes


Part = tuple[set[str], set[str], set[str], str]  # (strings, names, attributes, the part as a test of `$c`)


def _part_candidates(part: str) -> Part | None:
    """(strings, names, attributes, the part as a test of `$c`) for one `//step[...]` of a filter; None for other
    forms."""
    found = re.fullmatch(r"\s*//(\*|[A-Za-z][\w-]*)(.*?)\s*", part, re.S)
    if found is None:
        return None
    body, at, values = found[2], 0, None
    while at < len(body) and body[at] == "[":
        try:
            close = call_args(body, at + 1)[1]
        except NotLiteral:
            return None
        predicate = body[at + 1 : close]
        if _NUMBER.search(re.sub(LITERAL, "", predicate)):
            return None  # positional: it would count other elements than the walk does
        values = values or _value_strings(predicate)
        at = close + 1
    if body[at:].strip():
        return None
    if values is None:  # no value test: every element of this name (none may be one named `*`)
        values = (set(), {found[1]}, set()) if found[1] != "*" and at == 0 else None
    return None if values is None else (*values, f"$c/self::{found[1]}{body}")


@cache
def _candidates_plan() -> Candidates | None:
    """The author filters as tests of candidates; None when one of them has another form."""
    strings: set[str] = set()
    names: set[str] = set()
    attributes: set[str] = set()
    selects = []
    for xpath in AUTHOR_XPATHS:
        parts = [_part_candidates(part) for part in top_level_parts(original(xpath).path)]
        if any(p is None for p in parts):
            return None
        for part_strings, part_names, part_attributes, _ in (p for p in parts if p is not None):
            strings |= part_strings
            names |= part_names
            attributes |= part_attributes
        tests = " | ".join(p[3] for p in parts if p is not None)
        selects.append(XPath(tests, namespaces={"re": REGEXP_NS}, smart_strings=False))
    shortest = frozenset(s for s in strings if not any(other != s and other in s for other in strings))
    values = tuple((name, XPath(f"descendant-or-self::*/@{name}", smart_strings=False)) for name in sorted(attributes))
    return Candidates(shortest, frozenset(names), tuple(selects), values)


def _candidates(tree: HtmlElement, plan: Candidates) -> list[HtmlElement]:
    """The elements, in document order, that a tested attribute's value of holds one of the strings."""
    held = []
    for name, values in plan.attributes:
        text = _SEPARATOR.join(values(tree))
        found = tuple(string for string in plan.strings if string in text)
        if found:
            held.append((name, found))
    return _holders(tuple(held))(tree) if held else []


@lru_cache(maxsize=256)
def _holders(held: tuple[tuple[str, tuple[str, ...]], ...]) -> XPath:
    """The elements that an attribute's value of holds one of its strings, for (attribute, strings) pairs."""
    tests = (" or ".join(f"contains(., {_quoted(s)})" for s in strings) for _, strings in held)
    return XPath(" | ".join(f"descendant-or-self::*/@{name}[{test}]/.." for (name, _), test in zip(held, tests)))


def _quoted(string: str) -> str:
    """The string as an XPath literal (a plan's strings never hold both quote characters)."""
    return f'"{string}"' if "'" in string else f"'{string}'"


def page_author(tree: HtmlElement) -> str | None:
    """extract_author(tree), without copying the page (trafilatura's own function where that is not equivalent)."""
    tests = _discard_tests()
    if tests is None or tree.getroottree().getroot() is not tree:
        return extract_author(tree)
    plan = _candidates_plan()
    if plan is None or (plan.names and next(tree.iter(*plan.names), None) is not None):
        return _first_author(tree, (expression(tree) for expression in AUTHOR_XPATHS), tests)
    candidates = _candidates(tree, plan)
    return _first_author(tree, (select(tree, c=candidates) for select in plan.selects), tests) if candidates else None


def _first_author(tree: HtmlElement, selections: Iterable[Any], tests: tuple[tuple[XPath, bool], ...]) -> str | None:
    """The first selected element outside the discarded parts whose pruned text reads as a name, normalized."""
    for selected in selections:
        for element in selected:
            if _discarded(element, tree, tests):
                continue
            content = _pruned_text(element)
            if content and 2 < len(content) < AUTHOR_MAX_CHARS:
                return normalize_authors(None, content)
    return None
