"""No single value loses an article or stops a run (#13 item 2): every date parser, the text cleaner and
the sitemap, feed and WARC readers take any input. Property-based (hypothesis) over arbitrary strings
and bytes, plus the concrete cases of the issue."""

from __future__ import annotations

import gzip
import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from conftest import article_html, prose, query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from forumwatch.flows.steps import page_row
from forumwatch.tasks.dates import FLOOR, choose_date, page_date_candidates, parse_iso, parse_stamp, sane_published_at
from forumwatch.tasks.discover import parse_feed
from forumwatch.tasks.extract import CONTROL_CHARS, Extracted, PageInput, clean_text, extract_page
from forumwatch.tasks.normalize import normalize, normalized_words, spaced_words, strip_furniture
from forumwatch.tasks.sitemaps import discover, parse_sitemap, parse_w3c_date, sitemaps_in_robots
from forumwatch.tasks.sources import Source
from forumwatch.tasks.urls import article_id, canonical_url
from forumwatch.tasks.warc import iter_responses
from forumwatch.tasks.warc_input import read_pages, scan_pages
from forumwatch.tasks.warc_scan import ScanStats

# Derandomized: the suite sees the same 150 examples per property on every run (CI never flakes on a new
# example); for a deeper search set max_examples=1500, derandomize=False and pass --hypothesis-seed=N (README).
FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
EDGE_DATES = ["0001-01-01T00:00:00+05:30", "9999-12-31T23:00:00-12:00", "0001-01-01", "9999-12-31T23:59:59Z"]
ABSURD_DATES = ["2999-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "1989-12-31T23:59:59Z"]
FETCHED = datetime(2024, 6, 1, 12, 0)
# strings made to look like dates, so the fuzz reaches the parsers' deep paths, plus anything at all
DATEISH = st.one_of(
    st.text(),
    st.from_regex(r"\A[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?)?\Z"),
    st.sampled_from(EDGE_DATES + ABSURD_DATES),
    st.builds(lambda d, o: d.isoformat() + o, st.datetimes(), st.sampled_from(["", "Z", "+14:00", "-23:59", "+05:30"])),
)
CONTROL = st.sampled_from([chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), *range(127, 160)]])


def in_bounds(moment: datetime | None) -> bool:
    now = datetime.now(UTC).replace(tzinfo=None)
    return moment is None or (moment.tzinfo is None and FLOOR <= moment <= now + timedelta(days=1))


# --- date parsers --------------------------------------------------------------------------------


@FUZZ
@given(DATEISH)
def test_date_parsers_take_any_string(raw):
    candidate = parse_stamp(raw, "meta")
    assert candidate is None or candidate.moment.tzinfo is None
    moment, _ = parse_iso(raw)
    assert moment is None or moment.tzinfo is None
    moment, has_time = parse_w3c_date(raw)
    assert moment is None or moment.tzinfo is None
    assert has_time in (True, False)


@FUZZ
@given(st.datetimes(timezones=st.one_of(st.none(), st.timezones())), st.datetimes())
def test_sane_published_at_keeps_only_1990_to_fetch_plus_a_day(moment, fetched):
    kept, note = sane_published_at(moment, fetched)
    assert in_bounds(kept)
    if kept is not None:
        assert kept <= fetched + timedelta(days=1) and note is None
    elif moment is not None:
        assert note and "dropped" in note


@FUZZ
@given(DATEISH, DATEISH)
def test_page_dates_from_any_meta_and_json_ld_value(meta, jsonld):
    page = (
        f'<html><head><meta property="article:published_time" content="{meta}">'
        f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "datePublished": jsonld})}</script>'
        f'</head><body><time datetime="{meta}" class="published">x</time></body></html>'
    )
    candidates = page_date_candidates(page)
    chosen = choose_date(candidates, None, None, FETCHED)
    assert chosen.published_at is None or chosen.published_at <= FETCHED + timedelta(days=1)


@pytest.mark.parametrize("stamp", EDGE_DATES)
def test_calendar_edge_date_keeps_the_article_with_a_note(stamp):
    """The issue's cases: in meta, JSON-LD and <time> the edge date used to raise OverflowError and drop the page."""
    html = article_html("Edge", prose("edge " + stamp), date=stamp).replace(
        "</head>",
        f'<script type="application/ld+json">{{"@type":"NewsArticle","datePublished":"{stamp}"}}</script></head>',
    )
    out = extract_page(PageInput("https://a.example/edge", "a", html, FETCHED))
    assert out.error is None and out.word_count > 100
    assert out.published_at is None and out.date_note


@pytest.mark.parametrize("stamp", ABSURD_DATES)
def test_absurd_date_is_dropped_with_a_note(stamp):
    out = extract_page(PageInput("https://a.example/absurd", "a", article_html("A", prose(stamp), date=stamp), FETCHED))
    assert out.error is None and out.published_at is None and out.date_note


def test_the_guard_applies_at_load_whatever_set_the_date():
    """page_row (every flow's load) drops an out-of-range date a plug-in parser let through, with a note."""
    page = Extracted("id", "https://a.example/x", "a", FETCHED, published_at=datetime(2999, 1, 1), date_note="from X")
    row = page_row(page, "run")
    assert row["published_at"] is None and row["date_note"].startswith("from X; publication date 2999-01-01")


# --- text cleaner ----------------------------------------------------------------------------------


@FUZZ
@given(st.text())
def test_cleaners_take_any_text(text):
    cleaned = clean_text(text)
    assert not CONTROL_CHARS.search(cleaned)
    assert isinstance(strip_furniture(text), str) and isinstance(normalize(text), str)
    assert isinstance(normalized_words(text), list) and isinstance(spaced_words(text), str)


@FUZZ
@given(CONTROL, st.integers(min_value=0, max_value=4))
def test_a_control_character_in_a_body_never_drops_the_article(char, where):
    paragraphs = prose(f"control {ord(char)}")
    paragraphs[where] = paragraphs[where][:30] + char + paragraphs[where][30:]
    out = extract_page(PageInput("https://a.example/c", "a", article_html("Control", paragraphs), FETCHED))
    assert out.error is None and out.word_count > 150 and not CONTROL_CHARS.search(out.text or "")
    assert out.published_at == datetime(2024, 5, 31, 9, 0)


@FUZZ
@given(st.text(max_size=3000), DATEISH)
def test_extraction_takes_any_page(html, stamp):
    for page in (html, f'<html><head><meta name="date" content="{stamp}"></head><body><p>{html}</p></body></html>'):
        out = extract_page(PageInput("https://a.example/p", "a", page, FETCHED))
        assert out.error or out.text
        assert out.published_at is None or FLOOR <= out.published_at <= FETCHED + timedelta(days=1)


# --- URLs ----------------------------------------------------------------------------------------

URLISH = st.one_of(
    st.text(),
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}/{path}",
        st.sampled_from(["http", "HTTPS", "ftp", ""]),
        st.one_of(st.text(max_size=12), st.sampled_from(["h.example:80", "[::1]", "[x", "h:99999", "bücher.example"])),
        st.lists(st.sampled_from([*"%aF09zé新 /?#&=~\udcff", "%2f", "%e4", "%7E"]), max_size=30).map("".join),
    ),
)


@FUZZ
@given(URLISH)
def test_canonical_url_takes_any_text_and_is_idempotent(raw):
    once = canonical_url(raw)
    assert canonical_url(once) == once
    assert len(article_id(raw)) == 16


# --- sitemaps and feeds ---------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2000))
def test_sitemap_reader_takes_any_bytes(body):
    parsed = parse_sitemap(body)
    assert parsed.kind in (None, "index", "urlset")
    assert isinstance(sitemaps_in_robots(body, "https://a.example/robots.txt"), list)


@FUZZ
@given(DATEISH, st.text(max_size=60))
def test_sitemap_entries_with_any_lastmod_and_loc(lastmod, loc):
    from xml.sax.saxutils import escape

    body = (
        f"<urlset><url><loc>{escape(loc)}</loc><lastmod>{escape(lastmod)}</lastmod></url>"
        f"<url><loc>https://a.example/ok</loc><lastmod>{escape(lastmod)}</lastmod></url></urlset>"
    ).encode("utf-8", "surrogatepass")
    parsed = parse_sitemap(body)
    if parsed.error is None:
        assert "https://a.example/ok" in [e.loc for e in parsed.entries]


@pytest.mark.parametrize("stamp", EDGE_DATES + ["not a date"])
def test_one_bad_lastmod_does_not_stop_the_backfill_discovery(stamp):
    """The issue's case: one <lastmod> at the calendar's edge crashed every backfill of every source."""
    from forumwatch.tasks.fetch import FetchResult

    doc = (
        "<urlset>"
        f"<url><loc>https://a.example/edge</loc><lastmod>{stamp}</lastmod></url>"
        "<url><loc>https://a.example/good</loc><lastmod>2024-05-20</lastmod></url></urlset>"
    ).encode()

    def fetch(requests):
        return [
            FetchResult(r.url, r.source_id, r.kind, r.url, 200, None, FETCHED, doc, None, None, None, None, None,
                        False, len(doc), 0, 1, None, None)
            for r in requests
        ]  # fmt: skip

    source = Source("a", "A", "https://a.example/feed", sitemap_url="https://a.example/s.xml")
    found = discover([source], date(2024, 5, 1), date(2024, 5, 31), fetch)["a"]
    assert found.error is None and [i.url for i in found.items] == ["https://a.example/good"]
    assert found.undated + found.out_of_range == 1


@FUZZ
@given(st.binary(max_size=2000))
def test_feed_reader_takes_any_bytes(body):
    parsed = parse_feed(body, "https://a.example/feed", "a", now=FETCHED)
    assert all(in_bounds(i.published_at) for i in parsed.items)


@FUZZ
@given(DATEISH)
def test_feed_dates_take_any_value(stamp):
    from xml.sax.saxutils import escape

    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>x</title><link>https://a.example/1</link><pubDate>{escape(stamp)}</pubDate></item>"
        "</channel></rss>"
    ).encode("utf-8", "surrogatepass")
    json_feed = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"url": "https://a.example/2", "date_published": stamp}],
        }
    ).encode("utf-8", "surrogatepass")
    for body in (rss, json_feed):
        parsed = parse_feed(body, "https://a.example/feed", "a", now=FETCHED)
        assert len(parsed.items) == 1 and in_bounds(parsed.items[0].published_at)


# --- WARC readers ---------------------------------------------------------------------------------


def _warc(records: list[tuple[str, str, bytes]]) -> bytes:
    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, when, body in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": when}
            )
        )
    return out.getvalue()


SOURCES = [Source("a", "A", "https://a.example/feed")]


@FUZZ
@given(st.binary(max_size=3000), st.booleans())
def test_warc_readers_take_any_bytes(body, gzipped):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.warc.gz"
        path.write_bytes(gzip.compress(body) if gzipped else body)
        list(iter_responses(path))
        read_pages([str(path)], SOURCES)
        list(scan_pages([path], SOURCES, ScanStats()))  # the backfill's reader


@FUZZ
@given(DATEISH, st.text(max_size=80))
def test_warc_records_with_any_date_and_uri(when, uri):
    when = CONTROL_CHARS.sub("", when).replace("\r", "").replace("\n", "")
    uri = CONTROL_CHARS.sub("", uri).replace("\r", "").replace("\n", "")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.warc.gz"
        try:
            data = _warc([(uri, when, b"<p>x</p>"), ("https://a.example/ok", when, b"<p>ok</p>")])
        except (UnicodeEncodeError, ValueError):
            return  # warcio itself cannot write this header
        path.write_bytes(data)
        pages = read_pages([str(path)], SOURCES)
        scanned = list(scan_pages([path], SOURCES, ScanStats()))  # the backfill's reader
    assert sorted({p.item.url for p in scanned}) == [p.item.url for p in pages]
    assert "https://a.example/ok" in [p.item.url for p in pages]
    assert all(in_bounds(p.result.fetched_at) for p in pages)


@pytest.mark.parametrize("when", EDGE_DATES + ["2999-01-01T00:00:00Z", "garbage"])
def test_warc_date_at_the_edge_or_in_the_future_reads_as_now(tmp_path, when):
    """The issue's cases: an edge WARC-Date crashed reprocess and backfill --warc; a record dated 2999
    stored published_at 2999 with no note."""
    page = article_html("Future", prose("future " + when), date="2999-01-01T00:00:00Z").encode()
    path = tmp_path / "x.warc.gz"
    path.write_bytes(_warc([("https://a.example/future", when, page)]))
    [archived] = read_pages([str(path)], SOURCES)
    assert abs(archived.result.fetched_at - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=5)
    out = extract_page(PageInput(archived.item.url, "a", archived.result.text or "", archived.result.fetched_at))
    assert out.error is None and out.published_at is None and "2999-01-01" in (out.date_note or "")


# --- through the real flows -------------------------------------------------------------------------


@pytest.mark.usefixtures("prefect_harness", "fast_crawl")
def test_hostile_values_lose_no_article_in_ingest_and_stop_no_backfill(tmp_path):
    from conftest import rss
    from webserver import serve

    from forumwatch.flows.backfill import backfill
    from forumwatch.flows.ingest import ingest

    db = tmp_path / "fw.duckdb"
    stamps = {
        "control": "2024-05-31T09:00:00+00:00",
        "edge-low": EDGE_DATES[0],
        "edge-high": EDGE_DATES[1],
        "future": "2999-01-01T00:00:00Z",
    }
    with serve() as site:
        links = []
        for name, stamp in stamps.items():
            paragraphs = prose(f"hostile {name}")
            paragraphs[1] = paragraphs[1][:40] + "\x01\x1b\x7f" + paragraphs[1][40:]  # the C0 case
            links.append((name, site.add(f"/news/{name}", article_html(name, paragraphs, date=stamp).encode())))
        feed = site.add("/feed.xml", rss(links), content_type="application/rss+xml")
        lastmods = [EDGE_DATES[0], EDGE_DATES[1], "2024-05-31T09:00:00Z", "not a date"]
        sitemap = site.add(
            "/sitemap.xml",
            "<urlset>"
            + "".join(f"<url><loc>{url}</loc><lastmod>{m}</lastmod></url>" for (_, url), m in zip(links, lastmods))
            + "</urlset>",
            content_type="application/xml",
        )
        sources = tmp_path / "sources.csv"
        sources.write_text(f"id,name,feed_url,sitemap_url\nh,Hostile,{feed},{sitemap}\n", encoding="utf-8")
        state = ingest(sources=str(sources), db=str(db), return_state=True)
        assert state.is_completed(), state.message
        rows = {
            url.rsplit("/", 1)[1]: (published, note, words)
            for url, published, note, words in query(
                db, "SELECT url, published_at, date_note, word_count FROM articles"
            )
        }
        assert sorted(rows) == sorted(stamps)  # every page loaded, the control characters stripped
        assert all(words > 100 for _, _, words in rows.values())
        assert rows["control"][0] == datetime(2024, 5, 31, 9, 0)
        for name in ("edge-low", "edge-high", "future"):  # the feed's date (2024-05-31) or a note, never the junk
            published, note = rows[name][:2]
            assert published == datetime(2024, 5, 31, 9, 0) or (published is None and note), (name, published, note)
        result = backfill(start=date(2024, 5, 30), end=date(2024, 6, 1), sources=str(sources), db=str(db))
    statuses = {s for (s,) in query(db, "SELECT status FROM coverage WHERE method = 'sitemap'")}
    assert statuses == {"complete"}, (statuses, result)
    assert query(db, "SELECT count(*) FROM articles") == [(4,)]
