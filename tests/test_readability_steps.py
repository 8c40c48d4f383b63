"""With the readability steps installed, trafilatura's readability Document returns what it returns with its own
steps (the same summary, the same candidates and scores), on real saved pages and on generated ones, and the
steps are installed only over the code they were reasoned on."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from trafilatura import readability_lxml
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.xpaths import OVERALL_DISCARD_XPATH

import forumwatch.tasks.extract  # noqa: F401  # installs the steps as the pipeline does
from forumwatch.tasks import readability_steps, replacements

PAGES = sorted(Path(__file__).parent.joinpath("data", "pages").glob("*/*.html"))


def _run(tree, methods: dict) -> tuple:
    """(summary or the error it raised, each candidate's path and score, the tree sanitized without candidates)
    with these methods in place."""
    installed = {name: getattr(readability_lxml.Document, name) for name in methods}
    for name, method in methods.items():
        setattr(readability_lxml.Document, name, method)
    try:
        candidates = _scores(deepcopy(tree))
        sanitized = _or_error(lambda: readability_lxml.Document(None).sanitize(deepcopy(tree), {}))  # all unscored
        return _or_error(readability_lxml.Document(tree, min_text_length=25).summary), candidates, sanitized
    finally:
        for name, method in installed.items():
            setattr(readability_lxml.Document, name, method)


def _or_error(run) -> str:
    """What run returns, or the error it raises (trafilatura's try_readability catches them: the same error is the
    same result)."""
    try:
        return run()
    except Exception as exc:
        return repr(exc)


def _scores(tree) -> dict[str, float]:
    """Each candidate's path and score, as the summary's first steps leave them."""
    doc = readability_lxml.Document(tree, min_text_length=25)
    doc.remove_unlikely_candidates()
    doc.transform_misused_divs_into_paragraphs()
    return {tree.getroottree().getpath(e): c.score for e, c in doc.score_paragraphs().items()}


def _same(tree) -> None:
    assert readability_steps.install()
    own = readability_steps.uninstalled()
    ours = {name: getattr(readability_lxml.Document, name) for name in own}
    assert ours != own
    assert _run(deepcopy(tree), ours) == _run(deepcopy(tree), own)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_same_summary_and_scores_on_real_pages_raw_and_pruned(page):
    tree = lxml_html.fromstring(page.read_bytes())
    _same(tree)
    _same(prune_unwanted_nodes(deepcopy(tree), OVERALL_DISCARD_XPATH))  # what precision mode hands readability
    for body in tree.iter("body"):
        _same(body)


TAGS = ["div", "p", "td", "tr", "table", "pre", "ul", "ol", "li", "a", "img", "embed", "input", "h1", "h2"]
TAGS += ["section", "aside", "header", "footer", "span", "form", "iframe", "br", "article", "blockquote"]
TAGS += ["div", "div", "p", "p", "a", "a", "img", "img", "img"]  # the commonest, more often
WORDS = ["comment", "sidebar", "article", "content", "post", "foot", "menu", "main", "widget", "body", "x", "combx"]
WORDS += ["ad-break", "related", "Story", "HEADER", "page", "tags", "media", "entry", "hentry", ""]
TEXTS = [
    "",
    " ",
    "\n  ",
    "Short.",
    "A sentence long enough to count as a paragraph here. ",
    "One, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve",
    "Longer text of a news story, with a comma, and another one, and some more words to pass eighty chars",
    "x" * 120,
]


@st.composite
def elements(draw, tags: list[str] = TAGS, texts: list[str] = TEXTS, depth: int = 0):
    """An element of these tags (classes and ids readability weighs, hidden inputs, video iframes) and texts, with
    up to three levels of children."""
    element = lxml_html.Element(draw(st.sampled_from(tags)))
    for name in draw(st.lists(st.sampled_from(["class", "id"]), max_size=2, unique=True)):
        element.set(name, " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2))))
    if element.tag == "input" and draw(st.booleans()):
        element.set("type", "hidden")
    if element.tag == "iframe" and draw(st.booleans()):
        element.set("src", "https://www.youtube.com/embed/x")
    element.text = draw(st.sampled_from(texts)) or None
    element.tail = draw(st.sampled_from(texts)) or None
    if depth < 3:
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            element.append(draw(elements(tags, texts, depth + 1)))
    return element


@st.composite
def _pages(draw):
    root = lxml_html.fromstring("<html><body></body></html>")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        root.find("body").append(draw(elements()))
    return root


@settings(max_examples=100, derandomize=True, deadline=None)
@given(page=_pages())
def test_the_same_summary_and_scores_on_generated_pages(page):
    _same(page)


LEAVES = ["img", "img", "p", "p", "a", "embed", "input", "li", "span", "h2"]
SHORT = ["", "Short.", "A sentence long enough to count as a paragraph here. ", "a, b, c, d, e, f, g, h, i, j, k"]


@st.composite
def _block(draw, depth: int = 0):
    """A container of a few leaves (images, paragraphs, links, inputs...) and containers: what sanitize judges."""
    block = lxml_html.Element(draw(st.sampled_from(["div", "div", "table", "ul", "section", "aside"])))
    for name in draw(st.lists(st.sampled_from(["class", "id"]), max_size=1)):
        block.set(name, draw(st.sampled_from(["content", "comment", "x", "post widget"])))
    block.text = draw(st.sampled_from(SHORT)) or None
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            block.append(draw(_block(depth + 1)))
            continue
        leaf = lxml_html.Element(draw(st.sampled_from(LEAVES)))
        if leaf.tag == "input" and draw(st.booleans()):
            leaf.set("type", "hidden")
        leaf.text, leaf.tail = draw(st.sampled_from(SHORT)) or None, draw(st.sampled_from(SHORT)) or None
        block.append(leaf)
    return block


@settings(max_examples=300, derandomize=True, deadline=None)
@given(blocks=st.lists(_block(), min_size=1, max_size=3))
def test_the_same_on_generated_blocks_of_images_links_and_inputs(blocks):
    root = lxml_html.fromstring("<html><body></body></html>")
    root.find("body").extend(blocks)
    _same(root)


def test_only_trafilaturas_expected_code_gets_them():
    own = readability_steps.uninstalled()
    document = SimpleNamespace(
        **{name: getattr(readability_lxml.Document, name) for name in dir(readability_lxml.Document)}
    )
    document.__dict__.update(own)
    expected = SimpleNamespace(text_length=readability_lxml.text_length, Document=document)
    assert readability_steps.as_expected(expected)

    def text_length(elem):
        """a future trafilatura's"""

    assert not readability_steps.as_expected(SimpleNamespace(text_length=text_length, Document=document))
    assert not readability_steps.as_expected(SimpleNamespace())


def test_remembered_values_are_bounded():
    calls: list[str] = []
    upper = replacements.Remembered(lambda value: calls.append(value) or value.upper())
    assert upper("a") == upper("a") == "A" and calls == ["a"]
    for i in range(replacements.MAX_REMEMBERED + 5):
        upper(str(i))
    upper("a")
    assert calls.count("a") == 2  # forgotten when the table filled up
    long_value = "x" * (replacements.MAX_REMEMBERED_CHARS + 1)
    joined = replacements.Remembered(lambda pair: calls.append(pair) or " ".join(filter(None, pair)))
    assert upper(long_value) == upper(long_value) and calls.count(long_value) == 2  # too long to keep
    assert joined((long_value, None)) == joined((long_value, None)) and calls.count((long_value, None)) == 2
    assert joined(("a", "b")) == joined(("a", "b")) == "a b" and calls.count(("a", "b")) == 1
