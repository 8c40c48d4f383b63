"""trafilatura's two OVERALL_DISCARD_XPATH filters as Python tests over lxml's element walk: the same elements,
in the same (document) order, without XPath.

Why: with favor_precision trafilatura runs them on the whole raw page before readability and again on the
article subtree; their long `re:test` alternations stay calls from libxml2 into Python for every element with a
class or id (xpath_literals cannot turn them into a few `contains()`), about a fifth of trafilatura's time. Python
itself tests an element's attributes with the same regular expressions at a fraction of that cost.

The filters' text is checked at `install`: only filters that read exactly as trafilatura 2.3.1's (regular
expressions aside, which are taken from the filter itself) are replaced; any other stays the XPath it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from forumwatch.tasks.xpath_literals import original

_REGEX_ARG = re.compile(r"(re:test\([^,']+, ')([^']*)(')")
# trafilatura's filters with each re:test pattern as {}, as `_skeleton` writes them
DISCARD_SKELETON = (
    ".//*[self::div or self::item or self::list or self::p or self::section or self::span]["
    "@data-lp-replacement-content or contains(translate(@role, 'N', 'n'), 'nav') or "
    "contains(@data-component, 'MostPopularStories') or re:test(@id|@class, '{}') or re:test(@id, '{}') or "
    "re:test(@class, '{}')]"
)
HIDDEN_SKELETON = (
    ".//*[@class='comments-title' or starts-with(@id|@class, 'reply-') or re:test(@id|@style, '{}') or "
    "contains(@style, 'display:none') or contains(@style, 'display: none') or re:test(@id, '{}') or "
    "re:test(@class, '{}') or @aria-hidden='true']"
)
DISCARD_TAGS = ("div", "item", "list", "p", "section", "span")
MAX_REMEMBERED = 20_000  # attribute values whose verdict a test keeps (then it starts again)
_INSTALLED: list[tuple[Any, ElementFilter]] = []  # (the filter it replaces, the replacement)


def _skeleton(path: str) -> tuple[str, list[str]]:
    """The path with whitespace normalised and each re:test pattern as {}, and the patterns."""
    flat = re.sub(r"\s*([\[\]])\s*", r"\1", " ".join(path.split()))
    return _REGEX_ARG.sub(r"\1{}\3", flat), [found[2] for found in _REGEX_ARG.finditer(flat)]


def first_of(element, one: str, other: str) -> str | None:
    """XPath's string value of `@one|@other`: the attribute that comes first on the element (None: neither)."""
    first, second = element.get(one), element.get(other)
    if first is None:
        return second
    if second is None:
        return first
    names = element.keys()
    return first if names.index(one) < names.index(other) else second


class ElementFilter:
    """Called like an lxml XPath on a context element: the descendants a test accepts, in document order."""

    def __init__(self, test: Callable[[Any], bool], tags: tuple[str, ...] | None, path: str) -> None:
        self.test, self.tags, self.path = test, tags or (etree.Element,), path

    def __call__(self, context) -> list:
        test = self.test
        return [element for element in context.iterdescendants(*self.tags) if test(element)]


def cached_search(pattern: str) -> Callable[[str], bool]:
    """re.search(pattern, value) is not None, remembered by value: a page repeats its classes and ids, and so do
    the pages of a site (the long alternations scan each value once per alternative)."""
    search = re.compile(pattern).search
    verdicts: dict[str, bool] = {}

    def found(value: str) -> bool:
        verdict = verdicts.get(value)
        if verdict is None:
            if len(verdicts) >= MAX_REMEMBERED:
                verdicts.clear()
            verdict = verdicts[value] = search(value) is not None
        return verdict

    return found


def discard_test(patterns: list[str]) -> Callable[[Any], bool]:
    """OVERALL_DISCARD_XPATH[0]'s predicate (elements of DISCARD_TAGS only)."""
    either, by_id, by_class = (cached_search(p) for p in patterns)

    def test(element) -> bool:
        get = element.get
        klass, ident = get("class"), get("id")
        if klass is not None and by_class(klass):
            return True
        if ident is not None and by_id(ident):
            return True
        if (klass is not None or ident is not None) and either(first_of(element, "id", "class") or ""):
            return True
        role, component = get("role"), get("data-component")
        return (
            get("data-lp-replacement-content") is not None
            or (role is not None and "nav" in role.replace("N", "n"))
            or (component is not None and "MostPopularStories" in component)
        )

    return test


def hidden_test(patterns: list[str]) -> Callable[[Any], bool]:
    """OVERALL_DISCARD_XPATH[1]'s predicate (any element)."""
    id_or_style, by_id, by_class = (cached_search(p) for p in patterns)

    def test(element) -> bool:
        get = element.get
        klass, ident, style = get("class"), get("id"), get("style")
        if klass is not None and (klass == "comments-title" or by_class(klass)):
            return True
        if ident is not None and by_id(ident):
            return True
        if (klass is not None or ident is not None) and (first_of(element, "id", "class") or "").startswith("reply-"):
            return True
        if (ident is not None or style is not None) and id_or_style(first_of(element, "id", "style") or ""):
            return True
        if style is not None and ("display:none" in style or "display: none" in style):
            return True
        return get("aria-hidden") == "true"

    return test


def replacement(xpath) -> ElementFilter | None:
    """The Python filter for one of trafilatura's OVERALL_DISCARD_XPATH filters; None when it reads otherwise."""
    path = getattr(xpath, "path", None)
    if not isinstance(path, str):
        return None
    skeleton, patterns = _skeleton(path)
    try:
        if skeleton == DISCARD_SKELETON:
            return ElementFilter(discard_test(patterns), DISCARD_TAGS, path)
        if skeleton == HIDDEN_SKELETON:
            return ElementFilter(hidden_test(patterns), None, path)
    except (re.error, ValueError):
        return None
    return None


def install() -> list[tuple[Any, ElementFilter]]:
    """Swap the Python filters into trafilatura's OVERALL_DISCARD_XPATH list, in place (once per process; after
    xpath_literals.install, whose rewrites are recognised by their original); the pairs (trafilatura's own
    filter, its replacement)."""
    from trafilatura import xpaths

    if not _INSTALLED:
        filters: list[Any] = xpaths.OVERALL_DISCARD_XPATH
        for i, xpath in enumerate(filters):
            own = original(xpath)
            if (new := replacement(own)) is not None:
                filters[i] = new
                _INSTALLED.append((own, new))
    return list(_INSTALLED)
