"""One whole-tree copy fewer in trafilatura's favor_precision extraction: compare_extraction gets the raw tree
itself instead of a copy of it.

Why: `_extract_and_compare` copies the raw tree for compare_extraction so that the baseline rescue and the recall
escalation can read it untouched afterwards; in precision mode neither runs (`trafilatura_sequence` gates both on
the focus), so nothing reads the raw tree after compare_extraction and the copy (a tenth of trafilatura's time on
a page) is thrown away. Recall and balanced extraction keep trafilatura's own function. In precision mode the
readability comparison is also skipped where readability's text cannot be chosen (readability_skip).

Installed only over the trafilatura code this reasoning was made on: `trafilatura_sequence` and
`_extract_and_compare` must be, character for character, those of trafilatura 2.3.1 (SOURCE_SHA256).
"""

from __future__ import annotations

from typing import Any

from forumwatch.tasks import readability_skip
from forumwatch.tasks.readability_skip import compare_without_readability, readability_cannot_win
from forumwatch.tasks.replacements import source_hash

SOURCE_SHA256 = {  # sha256 of inspect.getsource of each function, trafilatura 2.3.1
    "trafilatura_sequence": "f03dc4d2946dacbd0e023ca1c51fdf329e0fdc0be342fd0f14924396ec646e05",
    "_extract_and_compare": "f7d056c2118222e8ffb17e32d4796ccbddc452936d7177e27c53fb6d39b8f6e6",
}
_INSTALLED: dict[str, Any] = {}  # "own": trafilatura's _extract_and_compare, "new": the replacement


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
    return bool(_INSTALLED)


def uninstalled() -> Any:
    """trafilatura's own _extract_and_compare (for tests that compare the two)."""
    from trafilatura import core

    return _INSTALLED.get("own", core._extract_and_compare)
