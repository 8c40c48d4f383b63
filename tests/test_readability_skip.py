"""Readability's text is never longer than the bound readability_skip gives (on real saved pages and on generated
pages with raw-text elements, escapes and odd whitespace), and where readability cannot win, the comparison without
it returns what trafilatura's compare_extraction returns: trafilatura's output is the same with the skip."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from lxml.etree import tostring
from test_readability_steps import elements
from trafilatura import bare_extraction, external
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.settings import Extractor
from trafilatura.utils import trim
from trafilatura.xpaths import OVERALL_DISCARD_XPATH

import forumwatch.tasks.extract  # noqa: F401  # installs the skip as the pipeline does
from forumwatch.tasks import readability_skip, trafilatura_copies

PAGES = sorted(Path(__file__).parent.joinpath("data", "pages").glob("*/*.html"))


def _readability_length(tree) -> int:
    """The length compare_extraction measures of readability's text for this tree."""
    found = external.try_readability(deepcopy(tree))
    return len(trim(tostring(found, method="text", encoding="utf-8").decode("utf-8")))


def _bounded(tree) -> None:
    bound = readability_skip.readability_length_bound(tree)
    assert bound is None or _readability_length(tree) <= bound
    pruned = prune_unwanted_nodes(deepcopy(tree), OVERALL_DISCARD_XPATH)  # what compare_extraction hands it
    assert bound is None or _readability_length(pruned) <= bound


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_readabilitys_text_is_within_the_bound_on_real_pages(page):
    tree = lxml_html.fromstring(page.read_bytes())
    assert readability_skip.readability_length_bound(tree) is not None
    _bounded(tree)


TAGS = ["div", "p", "a", "span", "td", "table", "ul", "li", "h2", "iframe", "xmp", "title", "textarea", "noscript"]
TAGS += ["script", "style", "template", "svg", "section", "article", "br", "img", "div", "p", "p"]
TEXTS = ["", " ", "a < b & c > d", "\xa0", "x\u3000y", "\n\t", "word", "Two words, and a comma.", "&amp;", "y" * 60]
TEXTS += ["Longer paragraph text of a story, long enough to be scored by readability as a paragraph."]


@settings(max_examples=120, derandomize=True, deadline=None)
@given(children=st.lists(elements(TAGS, TEXTS), min_size=1, max_size=2), tail=st.sampled_from(TEXTS))
def test_readabilitys_text_is_within_the_bound_on_generated_pages(children, tail):
    root = lxml_html.fromstring("<html><head><title>A title</title></head><body></body></html>")
    root.find("body").extend(children)
    root.find("body").tail = tail or None
    _bounded(root)


def test_no_bound_where_the_parser_reads_text_back_longer():
    bound = readability_skip.readability_length_bound
    assert bound(lxml_html.fromstring("<html><body><p>a</p><xmp>a &lt; b</xmp></body></html>")) is None
    assert bound(lxml_html.fromstring("<html><body><p>a</p><noembed>x</noembed></body></html>")) is None
    with_child = lxml_html.fromstring("<html><body><p>a</p><iframe></iframe></body></html>")
    assert bound(with_child) == 1 + readability_skip.VIDEO_ALLOWANCE
    next(with_child.iter("iframe")).append(lxml_html.Element("b"))
    assert bound(with_child) is None
    video = lxml_html.fromstring("<html><body><iframe src='https://www.youtube.com/embed/x'></iframe></body></html>")
    assert _readability_length(video) == len("VIDEO") and bound(video) == readability_skip.VIDEO_ALLOWANCE
    _bounded(video)
    scripted = lxml_html.fromstring("<html><body><p>one two</p><script>var a = 1 ;</script>after</body></html>")
    assert bound(scripted) == len("one two after")  # the script's characters are gone, its words but two


def _compared(page: Path, text_cut: int | None) -> None:
    """compare_extraction and the comparison without readability agree wherever readability cannot win."""
    options = Extractor(precision=True, comments=False)
    tree = lxml_html.fromstring(page.read_bytes())
    body = lxml_html.Element("body")
    body.append(lxml_html.Element("p"))
    body[0].text = trim(tree.text_content())[:text_cut]
    cleaned = lxml_html.fromstring(page.read_bytes()).find("body")
    if not readability_skip.readability_cannot_win(tree, body, body[0].text, options):
        return
    theirs = external.compare_extraction(deepcopy(cleaned), deepcopy(tree), deepcopy(body), body[0].text, options)
    ours = readability_skip.compare_without_readability(deepcopy(cleaned), body, body[0].text, options)
    assert (tostring(ours[0]), ours[1]) == (tostring(theirs[0]), theirs[1])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_without_readability_the_comparison_returns_the_same(page):
    _compared(page, None)  # readability cannot be longer than twice the page's whole text
    _compared(page, 30)  # short: the justext rescue runs


def test_trafilaturas_output_is_the_same_with_the_skip(monkeypatch):
    assert trafilatura_copies.install() and readability_skip.as_expected()
    verdicts: list[bool] = []

    def cannot_win(*args) -> bool:
        verdicts.append(readability_skip.readability_cannot_win(*args))
        return verdicts[-1]

    for page in PAGES:
        html = page.read_text(encoding="utf-8", errors="replace")
        with monkeypatch.context() as counted:
            counted.setattr(trafilatura_copies, "readability_cannot_win", cannot_win)
            ours = bare_extraction(html, favor_precision=True, include_comments=False)
        with monkeypatch.context() as never:
            never.setattr(trafilatura_copies, "readability_cannot_win", lambda *args: False)
            theirs = bare_extraction(html, favor_precision=True, include_comments=False)
        assert (ours and ours.text) == (theirs and theirs.text), page
    assert any(verdicts)  # the skip was taken on some pages


def test_only_trafilaturas_expected_code_gets_it(monkeypatch):
    assert readability_skip.as_expected()
    monkeypatch.setattr(external, "try_readability", lambda tree: tree)
    assert not readability_skip.as_expected()


def test_a_body_that_cannot_be_read_leaves_the_comparison_to_trafilatura():
    options = Extractor(precision=True, comments=False)
    tree = lxml_html.fromstring(f"<html><body><p>{'word ' * 200}</p></body></html>")
    body = lxml_html.fromstring(f"<html><body><p>{'word ' * 200}</p></body></html>").find("body")
    assert readability_skip.readability_cannot_win(tree, body, "word " * 200, options)
    assert not readability_skip.readability_cannot_win(tree, None, "word " * 200, options)  # AttributeError: no skip
    assert not readability_skip.readability_cannot_win(tree, body, "", options)
    assert not readability_skip.readability_cannot_win(tree, body, "word " * 200, Extractor(comments=False))
