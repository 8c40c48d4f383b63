"""The Python discard filters select exactly what trafilatura's own XPath filters select (on real saved pages, on
their cleaned and converted trees, and on generated pages with attributes in any order), trafilatura's output is
the same with them, and a filter that does not read as expected stays trafilatura's."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import pytest
from hypothesis import given, settings
from lxml import html as lxml_html
from lxml.etree import XPath
from test_xpath_literals import pages
from trafilatura import bare_extraction, xpaths
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor
from trafilatura.xpaths import OVERALL_DISCARD_XPATH

import forumwatch.tasks.extract  # noqa: F401  # installs the filters as the pipeline does
from forumwatch.tasks import discard_filters, replacements
from forumwatch.tasks.xpath_literals import REGEXP_NS

PAGES = sorted(Path(__file__).parent.joinpath("data", "pages").glob("*/*.html"))


def _pairs():
    pairs = discard_filters.install()
    assert len(pairs) == 7  # OVERALL_DISCARD_XPATH's two, the comment filters, the follow-ups' prune, the body,
    # precision's bottom and link blocks
    return pairs


def _swap(pairs, into_own: bool) -> None:
    for name in discard_filters.FILTER_LISTS:
        filters = getattr(xpaths, name)
        for own, new in pairs:
            if (new if into_own else own) in filters:
                filters[filters.index(new if into_own else own)] = own if into_own else new


def _same_everywhere(tree) -> None:
    """Each replacement selects what trafilatura's filter selects, from the root and from every element."""
    for own, new in _pairs():
        for context in [tree, *tree.iter("div", "section", "body", "item", "list")]:
            assert list(new(context)) == own(context), own.path


def test_the_filters_are_replaced_in_trafilaturas_lists():
    news = [new for _, new in _pairs()]
    assert OVERALL_DISCARD_XPATH == news[:2]
    assert xpaths.REMOVE_COMMENTS_XPATH[0] in news and xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH[0] in news
    assert xpaths.RAW_TREE_PRUNE_XPATH[0] in news and xpaths.BODY_XPATH[0] in news
    assert xpaths.PRECISION_DISCARD_XPATH[1] in news


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_same_elements_on_real_pages_raw_and_converted(page):
    tree = lxml_html.fromstring(page.read_bytes())
    _same_everywhere(tree)
    options = Extractor(precision=True, comments=False)
    _same_everywhere(convert_tags(tree_cleaning(deepcopy(tree), options), options))  # lists are <list>, <item>


def test_trafilaturas_output_is_the_same_with_its_own_filters():
    pairs = _pairs()
    for page in PAGES:
        html = page.read_text(encoding="utf-8", errors="replace")
        ours = bare_extraction(html, favor_precision=True, include_comments=False)
        _swap(pairs, into_own=True)
        try:
            theirs = bare_extraction(html, favor_precision=True, include_comments=False)
        finally:
            _swap(pairs, into_own=False)
        assert (ours and ours.text) == (theirs and theirs.text), page


TAGS = [
    *("div", "item", "list", "p", "section", "span", "a", "article", "li", "ul", "ol", "aside", "details", "h1"),
    "main",
]
NAMES = ["class", "id", "style", "role", "data-component", "data-lp-replacement-content", "aria-hidden", "itemprop"]
WORDS = [
    *("x", "content", "reply-", "reply-x", "hidden", "display:none", "display: none", "true", "cookie", "nav"),
    *("Nav", "NAV", "menu", "ad-", " ad ", "shar", "share", "comments-title", "hide-", "tags", "MostPopularStories"),
    *("akismet", "reader-comments", "navigation", "widget", "yin", "", " ", "comment", "Comments", "commentary"),
    *("comol", "disqus_thread", "post-comments", "mvp-post-add-box", "infinite-scroll", "infinitescroll", "post"),
    *("entry", "articleBody", "articleContent", "article-body", "post-text", "entry-content"),
    *("bottom", "link", "footer-bottom", "links", "border: 1px", "x bottom"),
]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(page=pages(TAGS, NAMES, WORDS, max_names=4))
def test_the_same_elements_on_generated_pages(page):
    _same_everywhere(page)


def test_a_filter_that_reads_otherwise_stays_trafilaturas():
    own = discard_filters.original(OVERALL_DISCARD_XPATH[0])
    assert discard_filters.replacement(own) is not None
    changed = XPath(own.path.replace("self::span]", "self::span or self::ul]"), namespaces={"re": REGEXP_NS})
    assert discard_filters.replacement(changed) is None
    assert discard_filters.replacement(XPath(".//div[re:test(@id, 'x')]", namespaces={"re": REGEXP_NS})) is None
    assert discard_filters.replacement("not a filter") is None
    matches_nothing_too = XPath(own.path.replace("'cookie'", "'cookie|^'"), namespaces={"re": REGEXP_NS})
    assert discard_filters.replacement(matches_nothing_too) is None  # true on an element without id or class


def test_the_second_conditions_of_the_comment_and_follow_up_filters_and_the_body():
    tree = lxml_html.fromstring(
        "<html><body><ul id='disqus_thread'><li>a</li></ul><div id='disqus_thread'>b</div>"
        "<ol class='comments'><li>c</li></ol><div class='infinite-scroll'><h1>d</h1></div>"
        "<div id='infinite-scroll'>e</div><main class='post'>g</main><div class='entry'>h<section class='post'>i</section></div><section class='mvp-post-add-box'><h1>f</h1></section></body></html>"
    )
    _same_everywhere(tree)
    found = {new.path: [e.text_content() for e in new(tree)] for _, new in _pairs()}
    assert found[xpaths.BODY_XPATH[0].path] == ["g", "i"]  # h follows a sibling body
    assert found[xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH[0].path] == ["b", "c"]
    assert found[xpaths.RAW_TREE_PRUNE_XPATH[0].path] == ["e", "f"]


def test_long_and_many_attribute_values_are_not_all_remembered():
    found = discard_filters.CachedSearch("bar")
    long_value = "x" * (replacements.MAX_REMEMBERED_CHARS + 1)
    assert found(long_value + "bar") and not found(long_value)
    assert not found.verdicts
    assert all(found(f"{i}bar") for i in range(replacements.MAX_REMEMBERED + 5))
    assert not found("ba") and len(found.verdicts) <= replacements.MAX_REMEMBERED
