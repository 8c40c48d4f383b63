"""page_author finds the author trafilatura's extract_author finds, without copying the page: on real saved pages
and on generated ones where author candidates sit inside and around the parts trafilatura discards."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from lxml import html as lxml_html
from test_xpath_literals import pages
from trafilatura.metadata import extract_author

import forumwatch.tasks.extract  # noqa: F401  # installs the cheaper filters, as in the workers
from forumwatch.tasks.author import ancestor_test, page_author
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
