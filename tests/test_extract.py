"""Extraction over the snapshot's saved pages (the Asian Lite page is a real page rebuilt as HTML)."""

from datetime import datetime

import pytest

from forumwatch.snapshot_server import fill, snapshot_dir
from forumwatch.tasks.extract import PageInput, clean_text, extract_page

FETCHED = datetime(2025, 6, 1, 10, 0)  # the crawl day the Asian Lite header shows


def load_page(entry: dict, feed_published: datetime | None = None, has_time: bool = False) -> PageInput:
    html = fill((snapshot_dir() / entry["file"]).read_text(encoding="utf-8"), "http://127.0.0.1:1")
    return PageInput(
        url="http://127.0.0.1:1" + entry["path"],
        source_id=entry["outlet"],
        html=html,
        fetched_at=FETCHED,
        feed_published_at=feed_published,
        feed_has_time=has_time,
    )


def pages(expected_pages) -> list[dict]:
    return [p for p in expected_pages["pages"] if p["status"] == 200]


def test_asianlite_fields(expected_pages):
    entry = next(p for p in pages(expected_pages) if p["outlet"] == "asianlite")
    out = extract_page(load_page(entry))
    assert out.error is None
    assert out.title == "China, Russia Ready to Tackle Security Threats Together"
    assert out.published_at == datetime(2023, 10, 31, 13, 42)  # 19:12 IST, not the crawl day
    assert out.published_at_source in ("jsonld", "meta") and out.published_at_precision == "minute"
    assert out.text.startswith("China has said it is ready to work with Russia")
    assert out.text.rstrip().endswith("TASS reported. (ANI)")
    for word in ("Gaza", "Piers Morgan", "IAEA", "ALSO READ", "Previous Story", "Next Story", "Today: 1 June 2025"):
        assert word not in out.text
    assert out.language == "en"
    assert out.sitename and "Asian Lite" in out.sitename


def test_every_snapshot_page_gets_its_own_date_and_a_clean_body(expected_pages):
    for entry in pages(expected_pages):
        feed_time = None
        if entry.get("date_source") == "feed":
            feed_time = datetime.fromisoformat(entry["published_at_utc"].rstrip("Z"))
        out = extract_page(load_page(entry, feed_time, has_time=True))
        assert out.error is None, entry["path"]
        expected = entry["published_at_utc"]
        got = out.published_at.isoformat(timespec="minutes") + "Z" if out.published_at else None
        assert got == (expected[:16] + "Z" if expected else None), entry["path"]
        assert out.published_at_precision == entry["published_precision"], entry["path"]
        assert entry["body_first"][:40] in out.text, entry["path"]
        for word in entry["must_not_contain"]:
            if word not in ("ALSO READ",) or entry["outlet"] == "asianlite":
                assert word not in out.text, (entry["path"], word)
        assert out.title == entry["title"], entry["path"]


def test_no_date_anywhere_is_null_with_note(expected_pages):
    entry = next(p for p in pages(expected_pages) if p["published_at_utc"] is None)
    out = extract_page(load_page(entry))
    assert out.published_at is None and out.published_at_source is None
    assert out.date_note == "no publication date found in the page or the feed"


@pytest.mark.parametrize(
    "html", ["", "<html></html>", "\x00\x00\x00", "<p>" * 600 + "deep" + "</p>" * 600, "plain text, not html at all"]
)
def test_broken_pages_never_raise(html):
    out = extract_page(PageInput(url="http://x/a", source_id="x", html=html, fetched_at=FETCHED))
    assert out.text is None or isinstance(out.text, str)
    assert out.error is not None or out.text


def test_clean_text_drops_navigation_lines_only():
    text = "First para.\nALSO READ: Something else\nAlso Read | Another\nPrevious Story\nThe story read more like a novel.\n"
    assert clean_text(text) == "First para.\nThe story read more like a novel."


@pytest.mark.parametrize(
    "page",
    [
        "eastbulletin/world/shoigu-uses-xiangshan-platform-to-accuse-west.htm",
        "eastbulletin/nation/navy-to-host-milan-with-over-50-nations.htm",
        "eastbulletin/state/coastal-security-training-centre-for-haldia.htm",
    ],
)
def test_table_layout_page_keeps_one_paragraph_per_line(page):
    from datetime import datetime

    from forumwatch.tasks.extract import PageInput, extract_page

    html = fill((snapshot_dir() / page).read_text(encoding="utf-8"), "http://127.0.0.1:8765")
    paragraphs = html.split('<td id="storytext"', 1)[1].split("</td>", 1)[0].count("<p")
    out = extract_page(PageInput(f"http://127.0.0.1:8765/{page}", "eb", html, datetime(2023, 11, 2)))
    lines = out.text.splitlines()
    assert len(lines) == paragraphs and paragraphs >= 5
    assert not any(line.startswith("|") or "|  |" in line for line in lines)  # no table cells glued together
    assert "Reproduction in whole or in part" not in out.text  # the layout's footer cell stays out
