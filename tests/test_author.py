"""page_author finds the author trafilatura's extract_author finds, without copying the page: on real saved pages
and on generated ones where author candidates sit inside and around the parts trafilatura discards."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from test_xpath_literals import pages
from trafilatura.metadata import extract_author

import forumwatch.tasks.extract  # noqa: F401  # installs the cheaper filters, as in the workers
from forumwatch.tasks.author import (
    _candidates,
    _candidates_plan,
    _holders,
    _part_candidates,
    ancestor_test,
    page_author,
)
from forumwatch.tasks.xpath_literals import top_level_parts

PAGES = sorted(Path(__file__).parent.joinpath("data", "pages").glob("*/*.html"))


def test_a_union_splits_at_its_top_level_bars_only():
    assert top_level_parts("//time|//figure") == ["//time", "//figure"]
    assert top_level_parts(".//*[@a='x|y' or (b|c)]|//p") == [".//*[@a='x|y' or (b|c)]", "//p"]


def test_only_descendant_paths_become_ancestor_tests():
    test, relative = ancestor_test(".//*[self::div][@id='x']")
    assert (test.path, relative) == ("ancestor-or-self::*[self::div][@id='x']", True)
    assert ancestor_test("//time")[0].path == "ancestor-or-self::time"
    assert ancestor_test("//div//a") is None
    assert ancestor_test("(//a)[1]") is None
    assert ancestor_test("//time[@datetime]//span") is None  # a further step after the predicates
    assert ancestor_test(".//*[@class='x'][@id]")[0].path == "ancestor-or-self::*[@class='x'][@id]"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_same_author_as_trafilatura_on_real_pages(page):
    tree = lxml_html.fromstring(page.read_bytes())
    assert page_author(tree) == extract_author(tree)


def test_a_candidate_inside_a_discarded_part_is_passed_over_and_pruned_text_is_read():
    page = lxml_html.fromstring(
        "<html><body><div class='comments'><span class='author'>Comment Writer</span></div>"
        "<p class='byline'>Ivan <time>12 May</time>Ivanov</p></body></html>"
    )
    assert page_author(page) == extract_author(page) == "Ivan Ivanov"


@settings(max_examples=200, derandomize=True, deadline=None)
@given(page=pages())
def test_the_same_author_as_trafilatura_on_generated_pages(page):
    assert page_author(page) == extract_author(page)  # extract_author reads a copy: the page is left as it was


def test_the_author_filters_become_tests_of_candidates():
    plan = _candidates_plan()
    assert plan is not None and len(plan.selects) == 3
    assert {"author", "Author", "byl", "writer", "zuozhe"} <= plan.strings and "byline" not in plan.strings
    assert plan.names == {"author", "rel"}  # //author, and rel='me' (a child element's text)
    assert {"class", "id", "itemprop", "rel", "data-testid"} <= {name for name, _ in plan.attributes}


def test_only_value_tests_of_one_step_give_candidate_strings():
    strings, names, attributes, test = _part_candidates(
        "//*[self::p][@id='x' or re:test(@class, 'a-?b|c') or rel='me' or contains(@data-x, '@y')]"
    )
    assert (strings, names, attributes, test) == (
        {"x", "ab", "a-b", "c", "@y"},
        {"rel"},
        {"id", "class", "data-x"},
        "$c/self::*[self::p][@id='x' or re:test(@class, 'a-?b|c') or rel='me' or contains(@data-x, '@y')]",
    )
    assert _part_candidates("//author") == (set(), {"author"}, set(), "$c/self::author")
    assert _part_candidates("//*[self::p]") is None  # no value test: every p
    assert _part_candidates("//*[@id='x'][1]") is None  # positional
    assert _part_candidates("//*[@id='x' or not(@class)]") is None  # a test a value need not pass
    assert _part_candidates("//*[@id='']") is None  # an empty string is in every value
    assert _part_candidates("//*[re:test(@id, '.')]") is None  # a pattern without a required string
    assert _part_candidates("//div//p[@id='x']") is None  # a further step
    assert _part_candidates("//*[@xml:lang='x']") is None  # a prefixed attribute: the union would need its namespace


AUTHOR_TAGS = ["div", "span", "p", "a", "strong", "address", "link", "h3", "h4", "section", "time", "figure", "li"]
AUTHOR_WORDS = [
    *("author", "Author", "author-name", "AuthorName", "authorName", "byline", "Byline", "byl", "BBL", "username"),
    *("writer", "screenname", "zuozhe", "xiaobian", "posted-by", "AuthorCard", "author name", "comments", "sidebar"),
    *("title", "date", "quote", "x", "me", "content", "hidden", "Figure", "print"),
]
AUTHOR_ATTRIBUTES = ["class", "id", "itemprop", "rel", "data-testid", "data-component", "href", "style"]


_ATTRIBUTE = st.builds(
    lambda name, word, suffix: f' {name}="{word}{suffix}"',
    st.sampled_from(AUTHOR_ATTRIBUTES),
    st.sampled_from(AUTHOR_WORDS),
    st.sampled_from(["", " x", "-box", "Box"]),
)
_TEXT = st.sampled_from(["", "me", "By", "John Smith", "Ivan Ivanov", "张伟", "12 May 2023", " and Jane Doe"])


def _markup(tags, inner):
    """An element of one of the tags, with attributes and text, around `inner` (a list of markup strings)."""
    return st.builds(
        lambda tag, attributes, text, children, tail: (
            f"<{tag}{''.join(attributes)}>{text}{''.join(children)}</{tag}>{tail}"
        ),
        tags,
        st.lists(_ATTRIBUTE, max_size=3),
        _TEXT,
        inner,
        _TEXT,
    )


def author_pages():
    """Pages whose elements carry the names, attributes and values the author filters test (now and then an
    <author> or <rel> element, which the filters select without such values)."""
    tags = st.sampled_from(AUTHOR_TAGS) | st.sampled_from(["author", "rel"])
    body = st.recursive(
        _markup(tags, st.just([])), lambda inner: _markup(tags, st.lists(inner, max_size=3)), max_leaves=20
    )
    return st.lists(body, min_size=1, max_size=4).map(
        lambda parts: lxml_html.fromstring(f"<html><body>{''.join(parts)}</body></html>")
    )


@settings(max_examples=150, derandomize=True, deadline=None)
@given(page=author_pages())
def test_the_same_author_as_trafilatura_when_the_filters_test_candidates(page):
    assert page_author(page) == extract_author(page)


def _held(page, plan):
    """The elements some tested attribute's value of holds one of the plan's strings, read element by element."""
    attributes = {name for name, _ in plan.attributes}
    return [
        element
        for element in page.iter(lxml_html.etree.Element)
        if any(s in v for name, v in element.items() if name in attributes for s in plan.strings)
    ]


@settings(max_examples=100, derandomize=True, deadline=None)
@given(page=author_pages())
def test_the_candidates_are_the_elements_a_tested_attribute_of_holds_a_string(page):
    plan = _candidates_plan()
    assert _candidates(page, plan) == _held(page, plan)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_candidates_on_real_pages(page):
    tree, plan = lxml_html.fromstring(page.read_bytes()), _candidates_plan()
    assert _candidates(tree, plan) == _held(tree, plan)


def test_the_holders_of_a_string_with_an_apostrophe_are_found():
    page = lxml_html.fromstring("<html><body><p class=\"o'brien\">x</p><p class='z'>y</p><p id='z'>w</p></body></html>")
    assert [p.text for p in _holders((("class", ("o'b", "z")), ("id", ("z",))))(page)] == ["x", "y", "w"]


def test_a_discard_filter_that_starts_below_the_root_passes_over_the_root_element():
    page = lxml_html.fromstring("<html class='comments'><body><p class='byline'>Ivan Ivanov</p></body></html>")
    assert page_author(page) == extract_author(page) == "Ivan Ivanov"
