"""Per-page cost of script-aware extraction (language, written dates, joiners, XML declarations).

Profiles extract_page over the demo snapshot's pages and tests/data/pages and reports the time spent inside
the functions that issue #11 (items 1-2) added, per page, after one warm-up pass (dateparser loads a language's
data on first use, py3langid its model: once per worker process).
Run: .venv/bin/python bench/extract_scripts_cost.py [REPS]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from datetime import datetime
from pathlib import Path

from forumwatch.snapshot_server import snapshot_dir
from forumwatch.tasks import extract as ex

ADDED = {
    "article_language",
    "hinted_date_strings",
    "text_date_candidates",
    "_hide_joiners",
    "_restore_joiners",
    "strip_xml_declaration",
    "_declared_languages",
    "long_enough",
    "length_units",
    "in_source_zone",
    "_has_exact",
}
PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"


def inputs(files: list[Path]) -> list[ex.PageInput]:
    return [
        ex.PageInput(
            "https://example.org/a", None, f.read_text("utf-8", "replace"), datetime(2026, 1, 1), timezone="UTC"
        )
        for f in files
    ]


def measure(name: str, pages: list[ex.PageInput], reps: int) -> None:
    started = time.perf_counter()
    for page in pages:  # warm-up
        ex.extract_page(page)
    warm_ms = (time.perf_counter() - started) * 1000
    plain = time.perf_counter()
    for _ in range(reps):
        for page in pages:
            ex.extract_page(page)
    plain_ms = (time.perf_counter() - plain) * 1000 / (reps * len(pages))
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(reps):
        for page in pages:
            ex.extract_page(page)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(v[3] for k, v in stats.items() if k[2] == "extract_page")
    added = sum(v[3] for k, v in stats.items() if k[2] in ADDED)
    share = added / total if total else 0.0
    print(
        f"{name}: {len(pages)} pages x {reps}: extract_page {plain_ms:.1f} ms/page; added {share * plain_ms:.2f} "
        f"ms/page ({share:.1%} of profiled time); first pass incl. warm-up {warm_ms / len(pages):.1f} ms/page"
    )


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    measure("demo snapshot", inputs(sorted(snapshot_dir().rglob("*.html"))), reps)
    measure("tests/data/pages", inputs(sorted(PAGES.glob("*/*.html"))), reps)


if __name__ == "__main__":
    main()
