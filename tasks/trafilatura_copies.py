"""Two whole-tree copies fewer in trafilatura's favor_precision extraction: compare_extraction gets the raw tree
itself instead of a copy of it, and bare_extraction extracts from the caller's tree itself when it is handed over
(HandedTree: the caller reads it no more).

Why: `_extract_and_compare` copies the raw tree for compare_extraction so that the baseline rescue and the recall
escalation can read it untouched afterwards; in precision mode neither runs (`trafilatura_sequence` gates both on
the focus), so nothing reads the raw tree after compare_extraction and the copy (a tenth of trafilatura's time on
a page) is thrown away. Recall and balanced extraction keep trafilatura's own function. In precision mode the
readability comparison is also skipped where readability's text cannot be chosen (readability_skip).

Why the handover: bare_extraction copies a tree it is given (`if tree is filecontent: tree = copy(tree)`, 0.3-0.4
CPU-ms on a 100 KB page) because it changes the tree it extracts from; tasks/extract.py reads the page's tree only
before the extraction (and parses it again in the rare case it needs it after).

Installed only over the trafilatura code this reasoning was made on: `trafilatura_sequence`,
`_extract_and_compare` and `bare_extraction` must be, character for character, those of trafilatura 2.3.1
(SOURCE_SHA256).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from forumwatch.tasks import readability_skip
from forumwatch.tasks.readability_skip import compare_without_readability, readability_cannot_win
from forumwatch.tasks.replacements import source_hash

SOURCE_SHA256 = {  # sha256 of inspect.getsource of each function, trafilatura 2.3.1
    "trafilatura_sequence": "f03dc4d2946dacbd0e023ca1c51fdf329e0fdc0be342fd0f14924396ec646e05",
    "_extract_and_compare": "f7d056c2118222e8ffb17e32d4796ccbddc452936d7177e27c53fb6d39b8f6e6",
    "bare_extraction": "2e57adb3062086f9695046cf58b1a8825143322fe74e74739791dff6d8da9fea",
}
_INSTALLED: dict[str, Any] = {}  # "own"/"new": _extract_and_compare, trafilatura's and ours; "load_html": trafilatura's


def as_expected(core: Any) -> bool:
    """True when trafilatura.core's sequence reads as the one this module was written for."""
    return all(source_hash(getattr(core, name, None)) == digest for name, digest in SOURCE_SHA256.items())


def install() -> bool:
    """Swap in the copy-sparing _extract_and_compare (once per process); whether it is installed."""
    from trafilatura import core

    if not _INSTALLED and as_expected(core):
        own = core._extract_and_compare
        skip_readability = readability_skip.as_expected()

        def extract_and_compare(cleaned_tree, cleaned_tree_backup, tree, options):
            """trafilatura's cascade stages 1-2; with precision, compare_extraction reads the raw tree itself."""
            if options.focus != "precision" or options.fast:
                return own(cleaned_tree, cleaned_tree_backup, tree, options)
            postbody, temp_text = core.extract_content(cleaned_tree, options)
            if skip_readability and readability_cannot_win(tree, postbody, temp_text, options):
                return compare_without_readability(cleaned_tree_backup, postbody, temp_text, options)
            return core.compare_extraction(cleaned_tree_backup, tree, postbody, temp_text, options)

        core._extract_and_compare = extract_and_compare
        _INSTALLED.update(own=own, new=extract_and_compare)
        _install_handover(core)
    return bool(_INSTALLED)


def uninstalled() -> Any:
    """trafilatura's own _extract_and_compare (for tests that compare the two)."""
    from trafilatura import core

    return _INSTALLED.get("own", core._extract_and_compare)


@dataclass(frozen=True)
class HandedTree:
    """A parsed page handed to bare_extraction to extract from as it is (trafilatura changes it): its caller reads
    the tree no more afterwards, so bare_extraction's protective copy of it is spared."""

    tree: HtmlElement


def hand_over(tree: HtmlElement) -> HandedTree | HtmlElement:
    """What to give bare_extraction as the page: the tree to extract from as it is when the handover is installed,
    else the tree itself (trafilatura then copies it)."""
    return HandedTree(tree) if _INSTALLED.get("load_html") is not None else tree


def _install_handover(core: Any) -> None:
    """Let trafilatura.core's load_html take a HandedTree: its tree, which is not the object bare_extraction was
    given, so bare_extraction does not copy it. Every other input goes to trafilatura's own load_html."""
    own = core.load_html

    def load_html(htmlobject, max_size=None):
        """trafilatura's load_html; a HandedTree gives its tree."""
        if isinstance(htmlobject, HandedTree):
            return htmlobject.tree
        return own(htmlobject, max_size)

    core.load_html = load_html
    _INSTALLED["load_html"] = own
