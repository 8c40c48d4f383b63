"""With the raw tree's copy spared, trafilatura extracts the same text from real pages in every mode, and the
copy is spared only over the trafilatura code it was reasoned on."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from trafilatura import bare_extraction, core

import forumwatch.tasks.extract  # noqa: F401  # installs it as the pipeline does
from forumwatch.tasks import trafilatura_copies

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
    assert trafilatura_copies.as_expected(
        SimpleNamespace(trafilatura_sequence=core.trafilatura_sequence, _extract_and_compare=own)
    )

    def trafilatura_sequence():
        """a future trafilatura's"""

    changed = SimpleNamespace(trafilatura_sequence=trafilatura_sequence, _extract_and_compare=own)
    assert not trafilatura_copies.as_expected(changed)
    assert not trafilatura_copies.as_expected(SimpleNamespace())
