"""trafilatura's `extract_author` without copying and pruning the whole page first: the same author, found for a
fraction of the cost.

trafilatura copies the page's tree, deletes from the copy everything its AUTHOR_DISCARD_XPATHS select (comments,
sidebars, dates, figures...), then reads the first element its AUTHOR_XPATHS select whose text looks like a name.
On a news page the copy and the deletions cost more than the search itself. Here the search runs on the page as
parsed; a candidate that lies in a discarded part is passed over (one `ancestor-or-self` test per candidate), and
only the candidate's own subtree is copied and pruned to read its text, with trafilatura's own deletion. Every
author filter tests element names and attributes, which deletions elsewhere do not change. The one exception is
trafilatura's `rel='me'` (a child element named `rel`, not the attribute), which no HTML page holds.
"""

from __future__ import annotations

import re
from copy import deepcopy
from functools import cache

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.metadata import extract_author, normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from forumwatch.tasks.prefilter import NotLiteral
from forumwatch.tasks.xpath_literals import REGEXP_NS, call_args, original, rewrite_path, top_level_parts

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


def page_author(tree: HtmlElement) -> str | None:
    """extract_author(tree), without copying the page (trafilatura's own function where that is not equivalent)."""
    tests = _discard_tests()
    if tests is None or tree.getroottree().getroot() is not tree:
        return extract_author(tree)
    for expression in AUTHOR_XPATHS:
        for element in expression(tree):
            if _discarded(element, tree, tests):
                continue
            content = _pruned_text(element)
            if content and 2 < len(content) < AUTHOR_MAX_CHARS:
                return normalize_authors(None, content)
    return None
