"""trafilatura's discard filters (and its first guess at the article body) that test an element's id and class
against regular expressions, as Python tests over lxml's element walk: the same elements, in the same (document)
order, without XPath.

Why: with favor_precision trafilatura runs OVERALL_DISCARD_XPATH on the whole raw page before readability and
again on the article subtree, and the comment and raw-tree filters on the whole page; their `re:test` calls that
xpath_literals cannot turn into a few `contains()` (long alternations, lookaheads) call from libxml2 into Python
for every element with a class or id, about a fifth of trafilatura's time. Python itself tests an element's
attributes with the same regular expressions (verdicts remembered by value) at a fraction of that cost; and the
body guess, of which trafilatura reads only the first element, stops walking the page there.

Each filter's text is checked at `install`: only filters that read exactly as trafilatura 2.3.1's (regular
expressions aside, which are taken from the filter itself) are replaced; any other stays the XPath it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from forumwatch.tasks.replacements import Remembered
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
# the comment filters (with and without ol/ul comment lists) and the raw-tree prune of follow-up articles
COMMENTS_SKELETON = (
    ".//*[self::div or self::list or self::section or self::details][re:test(@id, '{}') or re:test(@class, '{}')]"
)
COMMENTS_AND_LISTS_SKELETON = (
    ".//*[self::div or self::list or self::section or self::details or self::ol or self::ul]"
    "[re:test(@id, '{}') or re:test(@class, '{}')][not(self::ol or self::ul) or re:test(@id, '{}') or "
    "re:test(@class, '{}')]"
)
FOLLOW_UP_SKELETON = (
    ".//*[self::div or self::section or self::aside][re:test(@id, '{}') or re:test(@class, '{}')]"
    "[not(.//h1) or re:test(@id, '{}') or re:test(@class, '{}')]"
)
# trafilatura's first guess at the article body: for each parent, its first child that passes (`[1]`)
BODY_SKELETON = (
    ".//*[self::article or self::div or self::main or self::section][@class='post' or @class='entry' or "
    "@itemprop='articleBody' or @id='articleContent' or re:test(@id, '{}') or re:test(@class, '{}')][1]"
)
BODY_TAGS = ("article", "div", "main", "section")
# precision mode's discard of bottom and link blocks
BOTTOM_SKELETON = (
    ".//*[self::div or self::item or self::list or self::p or self::section or self::span]"
    "[re:test(@id|@class, '{}') or re:test(@id|@class, '{}') or contains(@style, 'border')]"
)
FILTER_LISTS = (
    "OVERALL_DISCARD_XPATH",
    "REMOVE_COMMENTS_XPATH",
    "REMOVE_COMMENTS_AND_LISTS_XPATH",
    "RAW_TREE_PRUNE_XPATH",
    "BODY_XPATH",
    "PRECISION_DISCARD_XPATH",
)
DISCARD_TAGS = ("div", "item", "list", "p", "section", "span")
COMMENT_TAGS = ("div", "list", "section", "details")
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


class CachedSearch(Remembered):
    """re.search(pattern, value) is not None, remembered by value (the long alternations scan each value once per
    alternative)."""

    def __init__(self, pattern: str) -> None:
        search = re.compile(pattern).search
        super().__init__(lambda value: search(value) is not None)


class FirstChildFilter(ElementFilter):
    """`.//*[names][test][1]`: each element that passes where no earlier sibling of those names does, in document
    order, found as they are read (trafilatura reads only the first: the rest of the page is not walked)."""

    def __call__(self, context) -> Iterator:  # type: ignore[override]
        test, tags = self.test, self.tags
        return (
            element
            for element in context.iterdescendants(*tags)
            if test(element) and not any(test(sibling) for sibling in element.itersiblings(*tags, preceding=True))
        )


def body_test(patterns: list[str]) -> Callable[[Any], bool]:
    """BODY_XPATH[0]'s predicate (elements of BODY_TAGS only)."""
    by_id, by_class = (CachedSearch(p) for p in patterns)

    def test(element) -> bool:
        get = element.get
        klass, ident = get("class"), get("id")
        return (
            klass in ("post", "entry")
            or ident == "articleContent"
            or get("itemprop") == "articleBody"
            or (ident is not None and by_id(ident))
            or (klass is not None and by_class(klass))
        )

    return test


def discard_test(patterns: list[str]) -> Callable[[Any], bool]:
    """OVERALL_DISCARD_XPATH[0]'s predicate (elements of DISCARD_TAGS only)."""
    either, by_id, by_class = (CachedSearch(p) for p in patterns)

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
    id_or_style, by_id, by_class = (CachedSearch(p) for p in patterns)

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


def id_class_test(patterns: list[str], unless: Callable[[Any], bool] | None = None) -> Callable[[Any], bool]:
    """`[re:test(@id, A) or re:test(@class, B)]`, and with `unless`, `[unless or re:test(@id, C) or re:test(@class, D)]`."""
    by_id, by_class, *second = (CachedSearch(p) for p in patterns)

    def test(element) -> bool:
        ident, klass = element.get("id"), element.get("class")
        if not ((ident is not None and by_id(ident)) or (klass is not None and by_class(klass))):
            return False
        if unless is None:
            return True
        again_id, again_class = second
        return unless(element) or (ident is not None and again_id(ident)) or (klass is not None and again_class(klass))

    return test


def bottom_test(patterns: list[str]) -> Callable[[Any], bool]:
    """PRECISION_DISCARD_XPATH[1]'s predicate (elements of DISCARD_TAGS only)."""
    bottom, link = (CachedSearch(p) for p in patterns)

    def test(element) -> bool:
        first, style = first_of(element, "id", "class"), element.get("style")
        return (first is not None and (bottom(first) or link(first))) or (style is not None and "border" in style)

    return test


def _not_a_list(element) -> bool:
    return element.tag not in ("ol", "ul")


def _no_h1(element) -> bool:
    return next(element.iterdescendants("h1"), None) is None


def replacement(xpath) -> ElementFilter | None:
    """The Python filter for a trafilatura filter that reads as one of the skeletons above; None for any other, or
    when one of its patterns matches the empty string (the tests skip an element without the attribute)."""
    path = getattr(xpath, "path", None)
    if not isinstance(path, str):
        return None
    skeleton, patterns = _skeleton(path)
    try:
        if any(re.search(pattern, "") for pattern in patterns):
            return None
        if skeleton == DISCARD_SKELETON:
            return ElementFilter(discard_test(patterns), DISCARD_TAGS, path)
        if skeleton == HIDDEN_SKELETON:
            return ElementFilter(hidden_test(patterns), None, path)
        if skeleton == BOTTOM_SKELETON:
            return ElementFilter(bottom_test(patterns), DISCARD_TAGS, path)
        if skeleton == BODY_SKELETON:
            return FirstChildFilter(body_test(patterns), BODY_TAGS, path)
        if skeleton == COMMENTS_SKELETON:
            return ElementFilter(id_class_test(patterns), COMMENT_TAGS, path)
        if skeleton == COMMENTS_AND_LISTS_SKELETON:
            return ElementFilter(id_class_test(patterns, _not_a_list), (*COMMENT_TAGS, "ol", "ul"), path)
        if skeleton == FOLLOW_UP_SKELETON:
            return ElementFilter(id_class_test(patterns, _no_h1), ("div", "section", "aside"), path)
    except (re.error, ValueError):
        return None
    return None


def install() -> list[tuple[Any, ElementFilter]]:
    """Swap the Python filters into trafilatura's FILTER_LISTS, in place (once per process; after
    xpath_literals.install, whose rewrites are recognised by their original): the lists are defined in
    trafilatura.xpaths and imported as the same objects where used. The pairs (trafilatura's filter, its
    replacement)."""
    from trafilatura import xpaths

    if not _INSTALLED:
        for name in FILTER_LISTS:
            filters: list[Any] = getattr(xpaths, name, [])
            for i, xpath in enumerate(filters):
                own = original(xpath)
                if (new := replacement(own)) is not None:
                    filters[i] = new
                    _INSTALLED.append((own, new))
    return list(_INSTALLED)
