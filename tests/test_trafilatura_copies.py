"""With the raw tree's copy spared, trafilatura extracts the same text from real pages in every mode, and the
copy is spared only over the trafilatura code it was reasoned on."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import html as lxml_html
from trafilatura import bare_extraction, core

from forumwatch.tasks import extract, trafilatura_copies  # extract installs it as the pipeline does
from forumwatch.tasks.canonical import canonical_hrefs, page_identity
from forumwatch.tasks.dates import hinted_date_strings, page_date_candidates
from forumwatch.tasks.extract import html_parser
from forumwatch.tasks.page_metadata import page_metadata

PAGES = sorted(Path(__file__).parent.joinpath("data", "pages").glob("*/*.html"))
MODES = [{"favor_precision": True}, {"favor_recall": True}, {}, {"favor_precision": True, "fast": True}]


def _outputs(html: str, mode: dict) -> tuple:
    document = bare_extraction(html, include_comments=False, **mode)
    return (document.text, document.title) if document is not None else (None, None)


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_trafilaturas_output_is_the_same_with_its_own_sequence(mode):
    assert trafilatura_copies.install()
    new = core._extract_and_compare
    for page in PAGES:
        html = page.read_text(encoding="utf-8", errors="replace")
        ours = _outputs(html, mode)
        core._extract_and_compare = trafilatura_copies.uninstalled()
        try:
            theirs = _outputs(html, mode)
        finally:
            core._extract_and_compare = new
        assert ours == theirs, page


def test_only_trafilaturas_expected_code_gets_it():
    own = trafilatura_copies.uninstalled()
    expected = {"trafilatura_sequence": core.trafilatura_sequence, "_extract_and_compare": own}
    assert trafilatura_copies.as_expected(SimpleNamespace(**expected, bare_extraction=core.bare_extraction))
    assert not trafilatura_copies.as_expected(SimpleNamespace(**expected))

    def trafilatura_sequence():
        """a future trafilatura's"""

    changed = SimpleNamespace(
        trafilatura_sequence=trafilatura_sequence, _extract_and_compare=own, bare_extraction=core.bare_extraction
    )
    assert not trafilatura_copies.as_expected(changed)
    assert not trafilatura_copies.as_expected(SimpleNamespace())


def _before_extraction(html: str):
    """The tree as extract_page gives it to bare_extraction: parsed, read (identity, dates, languages, metadata)
    and laid out, in extract_page's order."""
    tree = lxml_html.fromstring(html, parser=html_parser())
    page_identity(canonical_hrefs(tree), "https://example.com/a", None)
    candidates = page_date_candidates(tree)
    extract._declared_languages(tree)
    if not extract._has_exact(candidates):
        hinted_date_strings(tree)
    extract.laid_out(tree)
    page_metadata(tree, "https://example.com/a")
    return tree


def test_a_handed_over_tree_is_extracted_from_as_it_is_with_the_same_result():
    changed = 0
    for page in PAGES:
        html = page.read_text(encoding="utf-8", errors="replace")
        kept, handed = _before_extraction(html), _before_extraction(html)
        as_given = lxml_html.tostring(kept)
        theirs = bare_extraction(kept, include_comments=False, favor_precision=True)
        assert lxml_html.tostring(kept) == as_given, page  # trafilatura copied the tree it was given
        ours = bare_extraction(trafilatura_copies.hand_over(handed), include_comments=False, favor_precision=True)
        changed += lxml_html.tostring(handed) != as_given  # it extracted from the tree handed over: no copy
        assert (ours.text, ours.title, ours.author, ours.date) == (
            theirs.text,
            theirs.title,
            theirs.author,
            theirs.date,
        )
    assert changed >= len(PAGES) // 2  # trafilatura prunes the raw tree of most pages (not all: cnn_arabic's not)


def test_the_tree_made_again_for_the_date_guess_is_the_one_bare_extraction_was_given():
    generated = "<html><body><table><tr><td>Moscow<br>Beijing<br><b>TASS</b> said</td></tr></table></body></html>"
    for html in [p.read_text(encoding="utf-8", errors="replace") for p in PAGES] + [generated]:
        again = extract.tree_before_extraction(html)
        assert again is not None
        assert lxml_html.tostring(again) == lxml_html.tostring(_before_extraction(html))


def test_load_html_still_reads_everything_else_as_trafilatura_does():
    html = PAGES[0].read_text(encoding="utf-8", errors="replace")
    tree = core.load_html(html)
    assert tree is not None and tree.find(".//body") is not None
    assert core.load_html(tree) is tree
    with pytest.raises(TypeError):
        core.load_html(12)
