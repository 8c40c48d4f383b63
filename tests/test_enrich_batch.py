"""enrich_batch fingerprints a chunk's texts together: each page comes out exactly as enrich_page makes it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from forumwatch.tasks.attribute import attribute, load_agencies
from forumwatch.tasks.dedupe import pack_signature, pack_signatures
from forumwatch.tasks.enrich import enrich_batch, enrich_page
from forumwatch.tasks.extract import PageInput
from forumwatch.tasks.normalize import body_lines

PAGES = sorted((Path(__file__).parent / "data" / "pages").glob("*/*.html"))


def test_a_batch_is_each_page_enriched_alone():
    pages = [
        PageInput(
            f"https://example.{f.parent.name}/news/{f.stem}.html",
            "s",
            f.read_text("utf-8", "replace"),
            datetime(2026, 1, 1),
        )
        for f in PAGES
    ]
    pages.insert(
        2, PageInput("https://example.org/empty.html", "s", "<html><body></body></html>", datetime(2026, 1, 1))
    )
    batch = enrich_batch(pages)
    alone = [enrich_page(p) for p in pages]
    assert sum(bool(out.text) for out in batch) >= 5 and not batch[2].text
    assert [dataclasses.asdict(out) for out in batch] == [dataclasses.asdict(out) for out in alone]
    assert [list(out.extras) for out in batch] == [list(out.extras) for out in alone]  # keys in the same order


def test_signatures_packed_together_are_those_packed_one_by_one():
    texts = [p.read_text("utf-8", "replace") for p in PAGES] + ["", None, "too short", "x " * 40]
    assert pack_signatures(texts) == [pack_signature(t) for t in texts]


def test_body_lines_passed_along_give_what_each_part_reads_itself():
    """enrich_text reads a text's body_lines once for attribution and the fingerprint: the same results."""
    data = Path(__file__).parent / "data"
    texts = [p.read_text("utf-8", "replace") for p in [*PAGES, *sorted(data.glob("*.txt"))]] + ["", "x " * 40]
    lines = [body_lines(t) for t in texts]
    agencies = load_agencies()
    assert pack_signatures(texts, lines) == pack_signatures(texts)
    assert [pack_signature(t, body) for t, body in zip(texts, lines)] == [pack_signature(t) for t in texts]
    assert [attribute(t, agencies, body) for t, body in zip(texts, lines)] == [attribute(t, agencies) for t in texts]
