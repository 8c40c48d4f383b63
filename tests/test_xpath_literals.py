"""The cheaper trafilatura filters select exactly what trafilatura's own select: checked over real saved pages
and, for each rewritten test, against Python's `re` on arbitrary attribute values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from lxml.etree import XPath

from forumwatch.tasks import xpath_literals
from forumwatch.tasks.xpath_literals import NotLiteral, literal_alternatives, rewrite_path

PAGES = sorted(Path(__file__).parent.joinpath("data", "pages").glob("*/*.html"))
SEED = Path(__file__).parents[1] / "seeds"


def test_literal_alternations_expand_to_their_strings():
    assert literal_alternatives("author-?name|AuthorName") == [
        (False, "authorname"),
        (False, "author-name"),
        (False, "AuthorName"),
    ]
    assert literal_alternatives("^[Cc]omments|sidebar") == [(True, "Comments"), (True, "comments"), (False, "sidebar")]
    assert literal_alternatives("^(?:tag|meta)") == [(True, "tag"), (True, "meta")]


@pytest.mark.parametrize(
    "pattern",
    [r"(^|\s)link(\s|$)", "bottom$", "a.b", "x^y", "(?i)author", "a{3}", "[^a]b", "a|b|c|d|e", "[a-z]x"],
)
def test_patterns_that_are_not_a_few_fixed_strings_stay_regular_expressions(pattern):
    with pytest.raises(NotLiteral):
        literal_alternatives(pattern)
    path = f".//*[re:test(@class, '{pattern}')]"
    assert rewrite_path(path) in (path, f".//*[((@class) and re:test(@class, '{pattern}'))]")


def test_a_rewritten_path_keeps_the_rest_of_the_expression():
    path = ".//*[self::div][@id='x' or re:test(@class, '^hide-|nocomments') or re:test(@id, 'a|b|c|d|e|f')]"
    assert rewrite_path(path) == (
        ".//*[self::div][@id='x' or (starts-with(@class, 'hide-') or contains(@class, 'nocomments'))"
        " or ((@id) and re:test(@id, 'a|b|c|d|e|f'))]"
    )


def test_a_remaining_regex_is_only_called_on_elements_with_the_attribute_unless_it_matches_the_empty_string():
    assert rewrite_path("//*[re:test(@id|@class, 'x$')]") == "//*[((@id|@class) and re:test(@id|@class, 'x$'))]"
    assert rewrite_path("//*[re:test(@class, 'fulltext', 'i')]") == (
        "//*[((@class) and re:test(@class, 'fulltext', 'i'))]"
    )
    assert rewrite_path(r"//*[re:test(@class, '\s*x*')]") == r"//*[re:test(@class, '\s*x*')]"  # matches ''


def _simple_patterns() -> list[str]:
    """Every re:test pattern of trafilatura's filters that the rewrite replaces."""
    found = []
    for original, _ in xpath_literals.install():
        for call in re.finditer(r"re:test\([^,]+,\s*'([^']*)'\)", original.path):
            try:
                literal_alternatives(call[1])
            except NotLiteral:
                continue
            found.append(call[1])
    return sorted(set(found))


def test_trafilatura_filters_are_replaced_and_most_regex_calls_go():
    pairs = xpath_literals.install()
    assert len(pairs) >= 10
    before = sum(old.path.count("re:test(") for old, _ in pairs)
    after = sum(new.path.count("re:test(") for _, new in pairs)
    assert after < before
    assert len(_simple_patterns()) >= 10


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_replaced_filter_selects_the_same_elements_on_real_pages(page):
    tree = lxml_html.fromstring(page.read_bytes())
    for original, replacement in xpath_literals.install():
        assert replacement(tree) == original(tree), original.path


ATTRIBUTE_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.lists(
    st.sampled_from(["comments", "Comments", "author", "-name", "name", "hide-", "tag", "meta", "post-info", " ", "x"]),
    max_size=6,
).map("".join)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(value=ATTRIBUTE_TEXT, pattern_index=st.integers(min_value=0))
def test_a_rewritten_test_agrees_with_pythons_re_on_any_attribute_value(value, pattern_index):
    patterns = _simple_patterns()
    pattern = patterns[pattern_index % len(patterns)]
    element = lxml_html.Element("div")
    try:
        element.set("class", value)
    except ValueError:  # a value lxml cannot store (control characters) never reaches an XPath
        return
    rewritten = XPath(rewrite_path(f"self::*[re:test(@class, '{pattern}')]"))
    assert bool(rewritten(element)) == bool(re.search(pattern, value)), (pattern, value)


def test_a_step_over_named_elements_becomes_a_union_of_named_walks():
    assert xpath_literals.name_unions(".//*[self::div or self::p][@id='x']//a[@href]") == (
        "(.//div|.//p)[@id='x']//a[@href]"
    )
    assert xpath_literals.name_unions("(//*[self::h1 or self::h2][contains(@class, 'title')])[1]|//main") == (
        "((//h1|//h2)[contains(@class, 'title')])[1]|//main"
    )


@pytest.mark.parametrize(
    "path",
    [
        ".//*[self::div or self::p][@id='x'][1]",  # positional: the first matching child of each parent
        ".//*[self::div][last()]",
        ".//*[self::div][count(p) > 2][@id]",
        "//body//*[self::div or self::p][@id='x']",  # inside a longer path: a union cannot stand there
        "//*[contains(@class, './/*[self::div]')]",  # inside a string
    ],
)
def test_a_step_that_a_union_would_change_is_kept(path):
    assert xpath_literals.name_unions(path) == path


TAGS = ["div", "section", "article", "main", "span", "p", "a", "time", "figure", "h1", "h2", "h3", "ul", "li", "aside"]
WORDS = [
    "author",
    "byline",
    "comments",
    "sidebar",
    "title",
    "date",
    "post",
    "entry-content",
    "content",
    "main",
    "author-name",
    "caption",
    "teaser",
    "nav",
    "hidden",
    "quote",
    "article-body",
    "x",
    "Comments",
    "social",
]
TEXTS = ["", " ", "By", "John Smith", "Ivan Ivanov", "张伟", "Jane Doe and Bob Roe", "12 May 2023", "\n"]


NAMES = ["class", "id", "itemprop", "rel", "role", "style"]


def _element(draw, depth: int, kinds: tuple[list[str], list[str], list[str], int]):
    tags, names, words, max_names = kinds
    element = lxml_html.Element(draw(st.sampled_from(tags)))
    for name in draw(st.lists(st.sampled_from(names), max_size=max_names, unique=True)):  # in any order
        element.set(name, " ".join(draw(st.lists(st.sampled_from(words), min_size=1, max_size=2))))
    element.text = draw(st.sampled_from(TEXTS)) or None
    element.tail = draw(st.sampled_from(TEXTS)) or None
    if depth < 4:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            element.append(_element(draw, depth + 1, kinds))
    return element


@st.composite
def pages(draw, tags: list[str] = TAGS, names: list[str] = NAMES, words: list[str] = WORDS, max_names: int = 2):
    """A page of nested elements with the classes and ids trafilatura's filters look for (or the tags, attribute
    names and words given, up to max_names attributes an element)."""
    root = lxml_html.fromstring("<html><body></body></html>")
    body = root.find("body")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        body.append(_element(draw, 0, (tags, names, words, max_names)))
    return root


def test_tests_of_one_attribute_are_made_on_the_attribute_once():
    assert (
        xpath_literals.attribute_groups(
            "//*[self::div][contains(@class, 'a') or @id='x' or (starts-with(@class, 'b') or @class='c') or @rel]"
        )
        == "//*[self::div][@rel or @class[contains(., 'a') or starts-with(., 'b') or .='c'] or @id[.='x']]"
    )
    assert xpath_literals.attribute_groups("//*[((@class) and re:test(@class, 'a.b')) or contains(@class, 'c')]") == (
        "//*[@class[re:test(., 'a.b') or contains(., 'c')]]"
    )


@pytest.mark.parametrize(
    "path",
    [
        "//*[contains(@class, '') or contains(@class, 'a')]",  # contains(@class, '') holds without the attribute
        "//*[contains(@id|@class, 'a') or contains(@id|@class, 'b')]",  # a union's string is its first node's
        "//*[@class and contains(@class, 'a')]",  # not an or-chain
        "//*[contains(@class, 'a') or contains(@id, 'b')]",  # one test per attribute: nothing to group
    ],
)
def test_tests_that_grouping_would_change_or_not_speed_up_are_kept(path):
    assert xpath_literals.attribute_groups(path) == path


@settings(max_examples=150, derandomize=True, deadline=None)
@given(page=pages())
def test_every_replaced_filter_selects_the_same_elements_on_generated_pages(page):
    for original, replacement in xpath_literals.install():
        assert replacement(page) == original(page), original.path
