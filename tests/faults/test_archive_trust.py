"""WARC input is evidence, not authority (#13 item 3): private headers count only when signed with the
database's own archive key; a URL counts only on a configured source's host and port; a foreign record
never replaces a different stored article; trusted hosts match host AND port."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from conftest import article_html, prose, query
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from webserver import serve

from forumwatch import db as fwdb
from forumwatch.flows.steps import refuse_replacements
from forumwatch.settings import FetchSettings
from forumwatch.tasks import load
from forumwatch.tasks.extract import PageInput, extract_page
from forumwatch.tasks.fetch import FetchRequest, fetch_all
from forumwatch.tasks.netguard import check_url, origin
from forumwatch.tasks.sitemaps import discover
from forumwatch.tasks.sources import Source
from forumwatch.tasks.warc import SIGNATURE_HEADER, WarcArchive, archive_key, iter_responses, signed_by
from forumwatch.tasks.warc_input import read_pages

OUTLET = Source("outlet", "Outlet", "https://outlet.example/feed", homepage="https://outlet.example/")
OTHER = Source("other", "Other", "https://other.example/rss")
WHEN = datetime(2024, 5, 31, 10, 0)


def html(title: str) -> bytes:
    return article_html(title, prose(title)).encode()


def foreign_warc(path: Path, records: list[tuple[str, bytes, dict[str, str]]]) -> Path:
    """A WARC file written by someone else (plain warcio), with whatever headers they chose."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body, extra in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-05-31T10:00:00Z", **extra},
            )
            writer.write_record(record)
    return path


def own_archive(raw: Path, url: str, body: bytes, source_id: str) -> Path:
    archive = WarcArchive(raw, "run")
    archive.write_response(
        url,
        200,
        "OK",
        [("Content-Type", "text/html")],
        body,
        WHEN,
        {"WARC-Source-Id": source_id, "WARC-Fetch-Kind": "page"},
    )
    archive.close()
    assert archive.path is not None
    return archive.path


def test_own_records_are_signed_and_a_copied_signature_does_not_verify_elsewhere(tmp_path):
    raw = tmp_path / "raw"
    path = own_archive(raw, "https://cdn.partner.example/story", html("own"), "outlet")
    key = archive_key(raw)
    assert key is not None and (raw / "archive.key").stat().st_mode & 0o077 == 0
    [record] = list(iter_responses(path))
    assert signed_by(record, key)
    assert not signed_by(record, archive_key(tmp_path / "other-raw", create=True))
    forged = replace(record, warc_headers={**record.warc_headers, "WARC-Source-Id": "other"})
    assert not signed_by(forged, key)  # the private header is under the signature
    # the signed record keeps its source even off the outlet's host (we fetched it for that source)
    [page] = read_pages([str(path)], [OUTLET, OTHER], key)
    assert (page.item.source_id, page.trusted) == ("outlet", True)
    # without the key the same file is foreign: the off-host URL belongs to nobody
    assert read_pages([str(path)], [OUTLET, OTHER], None) == []


def test_foreign_warc_cannot_forge_a_source_or_inject_another_domain(tmp_path):
    path = foreign_warc(
        tmp_path / "foreign.warc.gz",
        [
            # claims to be the outlet's page, from a domain no source has
            ("https://evil.example/fake", html("injected"), {"WARC-Source-Id": "outlet", "WARC-Fetch-Kind": "page"}),
            # a forged signature header copied from nowhere
            (
                "https://evil.example/fake2",
                html("forged"),
                {"WARC-Source-Id": "outlet", SIGNATURE_HEADER: "hmac-sha256:00"},
            ),
            # a real page of the other outlet, claimed for the first one: placed by its host
            ("https://other.example/news/1", html("other"), {"WARC-Source-Id": "outlet"}),
            ("https://www.outlet.example/news/2", html("outlet"), {}),
        ],
    )
    key = archive_key(tmp_path / "raw", create=True)
    pages = read_pages([str(path)], [OUTLET, OTHER], key)
    assert [(p.item.url, p.item.source_id, p.trusted) for p in pages] == [
        ("https://other.example/news/1", "other", False),
        ("https://www.outlet.example/news/2", "outlet", False),
    ]


def test_port_counts_when_matching_archived_urls_to_sources(tmp_path):
    local = Source("local", "Local", "http://127.0.0.1:8765/feed.xml")
    path = foreign_warc(
        tmp_path / "f.warc.gz",
        [("http://127.0.0.1:9999/admin", html("admin"), {}), ("http://127.0.0.1:8765/a", html("a"), {})],
    )
    assert [p.item.url for p in read_pages([str(path)], [local], None)] == ["http://127.0.0.1:8765/a"]


def _stored_article(db: Path, url: str, title: str) -> str:
    page = extract_page(PageInput(url, "outlet", html(title).decode(), WHEN))
    assert page.error is None
    with fwdb.connect(str(db)) as con:
        fwdb.init_schema(con)
        load.upsert_articles(con, [{**{c: getattr(page, c, None) for c in load.ARTICLE_COLUMNS}, "run_id": "live"}])
    return page.article_id


def test_a_foreign_copy_never_replaces_a_different_stored_article(tmp_path):
    db = tmp_path / "fw.duckdb"
    url = "https://www.outlet.example/news/2"
    article_id = _stored_article(db, url, "live title")
    path = foreign_warc(tmp_path / "f.warc.gz", [(url, html("archived title"), {"WARC-Source-Id": "outlet"})])
    pages = read_pages([str(path)], [OUTLET], archive_key(tmp_path / "raw", create=True))
    extracted = [extract_page(PageInput(p.item.url, "outlet", p.result.text or "", p.result.fetched_at)) for p in pages]
    assert refuse_replacements(str(db), "run-1", pages, extracted) == [False]
    [(error,)] = query(db, "SELECT error FROM fetches WHERE run_id = 'run-1' AND kind = 'warc'")
    assert error.startswith("refused: the archived copy in") and "stored article is kept" in error
    assert query(db, "SELECT title FROM articles WHERE article_id = ?", [article_id]) == [("live title",)]
    # the same body as stored, or a copy signed by our own archive, may load
    same = foreign_warc(tmp_path / "same.warc.gz", [(url, html("live title"), {})])
    pages = read_pages([str(same)], [OUTLET], None)
    extracted = [extract_page(PageInput(p.item.url, "outlet", p.result.text or "", p.result.fetched_at)) for p in pages]
    assert refuse_replacements(str(db), "run-2", pages, extracted) == [True]


def test_a_foreign_copy_naming_a_canonical_cannot_retire_the_row_stored_under_its_link(tmp_path):
    db = tmp_path / "fw.duckdb"
    url = "https://www.outlet.example/news/3"
    _stored_article(db, url, "live title")
    body = html("archived title").replace(b"<head>", b'<head><link rel="canonical" href="/news/3-full">', 1)
    path = foreign_warc(tmp_path / "f.warc.gz", [(url, body, {})])
    pages = read_pages([str(path)], [OUTLET], None)
    extracted = [extract_page(PageInput(p.item.url, "outlet", p.result.text or "", p.result.fetched_at)) for p in pages]
    assert extracted[0].url == "https://www.outlet.example/news/3-full"  # a new id: it would retire the stored row
    assert refuse_replacements(str(db), "run-1", pages, extracted) == [False]


# --- trusted hosts match host and port ----------------------------------------------------------


def test_trusted_host_means_host_and_port():
    trusted = origin("http://127.0.0.1:8000/feed.xml")
    assert trusted == "127.0.0.1:8000" and origin("https://[::1]/f") == "[::1]:443"
    assert check_url("http://127.0.0.1:8000/page", trusted) is None
    assert check_url("http://127.0.0.1:8001/admin", trusted) == "refused: 127.0.0.1 is a loopback address"
    assert check_url("https://127.0.0.1/x", trusted) is not None  # 443 is another service
    assert check_url("http://[::1]:8000/x", "[::1]:8000") is None
    assert check_url("http://[::1]:8001/x", "[::1]:8000") is not None
    # an operator's allow list: a bare host is any port, host:port one port, host:junk none
    assert check_url("http://127.0.0.1:9/x", None, {"127.0.0.1"}) is None
    assert check_url("http://127.0.0.1:9/x", None, {"127.0.0.1:10"}) is not None
    assert check_url("http://127.0.0.1:9/x", None, {"127.0.0.1:nine"}) is not None


@pytest.mark.timeout(60)
def test_robots_sitemap_line_cannot_reach_another_port_of_the_feed_host(tmp_path):
    with serve() as feed_site, serve() as secret_site:
        secret = secret_site.add(
            "/internal-sitemap.xml",
            "<urlset><url><loc>http://127.0.0.1/x</loc><lastmod>2024-05-31</lastmod></url></urlset>",
            content_type="application/xml",
        )
        own = feed_site.add(
            "/sitemap.xml",
            f"<urlset><url><loc>{feed_site.base}/news/1</loc><lastmod>2024-05-31</lastmod></url></urlset>",
            content_type="application/xml",
        )
        feed_site.add("/robots.txt", f"User-agent: *\nSitemap: {secret}\nSitemap: {own}\n", content_type="text/plain")
        source = Source("local", "Local", feed_site.base + "/feed.xml")
        settings = FetchSettings(crawl_delay=0, retries=0, connect_timeout=1, read_timeout=2, total_timeout=5)

        def fetch(requests: list[FetchRequest]):
            return fetch_all(requests, settings, tmp_path / "raw", "t")

        found = discover([source], datetime(2024, 5, 1).date(), datetime(2024, 6, 1).date(), fetch)["local"]
    assert secret_site.requests == []
    assert "internal-sitemap.xml: refused: 127.0.0.1 is a loopback address" in (found.error or "")
    assert [item.url for item in found.items] == [feed_site.base + "/news/1"]


# --- the cases through the real flows -----------------------------------------------------


@pytest.mark.usefixtures("prefect_harness", "fast_crawl")
def test_backfill_with_a_forged_warc_and_reprocess_of_a_record_dated_2999(tmp_path):
    from datetime import date

    from forumwatch.flows.backfill import backfill
    from forumwatch.flows.reprocess import reprocess
    from forumwatch.settings import raw_dir_for

    db = tmp_path / "fw.duckdb"
    sources = tmp_path / "sources.csv"
    sources.write_text(
        "id,name,feed_url,homepage\nplanet,Planet,http://127.0.0.1:9/feed.xml,https://www.planet.example/\n"
    )
    url = "https://www.planet.example/a/story"
    stamp = "2024-05-31T09:00:00+00:00"
    # our own archive (signed): the article as fetched live
    own = WarcArchive(raw_dir_for(db), "live")
    own.write_response(url, 200, "OK", [("Content-Type", "text/html")], article_html("Live title", prose("live"),
                       date=stamp).encode(), WHEN, {"WARC-Source-Id": "planet", "WARC-Fetch-Kind": "page"})  # fmt: skip
    own.close()
    days = {"start": date(2024, 5, 30), "end": date(2024, 6, 1), "sources": str(sources), "db": str(db)}
    backfill(**days, warc=[str(raw_dir_for(db))])
    assert query(db, "SELECT title, source_id FROM articles") == [("Live title", "planet")]
    # a foreign file: the same URL with another text and a forged source header, and another domain
    foreign = foreign_warc(
        tmp_path / "foreign.warc.gz",
        [
            (url, article_html("Forged title", prose("forged"), date=stamp).encode(), {"WARC-Source-Id": "planet"}),
            (
                "https://evil.example/x",
                article_html("Injected", prose("evil"), date=stamp).encode(),
                {"WARC-Source-Id": "planet"},
            ),
        ],
    )
    # nothing of the source could be loaded (its feed is down, its only archived record refused): a failed run
    state = backfill(**days, warc=[str(foreign)], reprocess="all", return_state=True)
    assert state.is_failed()
    assert query(db, "SELECT title, url FROM articles") == [("Live title", url)]
    [(error,)] = query(db, "SELECT error FROM fetches WHERE kind = 'warc' AND error IS NOT NULL")
    assert error.startswith(f"refused: the archived copy in {foreign} differs from the stored article")
    # reprocess of our own archive: a record dated 2999 whose page says 2999 keeps its text, not the date
    future = WarcArchive(raw_dir_for(db), "future")
    future.write_response("https://www.planet.example/b/future", 200, "OK", [("Content-Type", "text/html")],
                          article_html("Future", prose("future"), date="2999-01-01T00:00:00Z").encode(),
                          datetime(2999, 1, 1), {"WARC-Source-Id": "planet", "WARC-Fetch-Kind": "page"})  # fmt: skip
    future.close()
    assert reprocess(db=str(db), return_state=True).is_completed()
    [(published, note)] = query(db, "SELECT published_at, date_note FROM articles WHERE url LIKE '%future'")
    assert published is None and "2999-01-01" in note
    assert query(db, "SELECT title FROM articles WHERE url = ?", [url]) == [("Live title",)]


def test_a_damaged_key_file_never_stops_archiving(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "archive.key").write_bytes(b"short")
    path = own_archive(raw, "https://outlet.example/a", html("a"), "outlet")
    [record] = list(iter_responses(path))
    assert SIGNATURE_HEADER not in record.warc_headers and archive_key(raw) is None
    [page] = read_pages([str(path)], [OUTLET], archive_key(raw))  # readable, placed by host
    assert (page.item.source_id, page.trusted) == ("outlet", False)


@pytest.mark.usefixtures("prefect_harness", "fast_crawl")
def test_reprocess_of_an_unsigned_archive_replaces_only_when_the_operator_vouches(tmp_path):
    """An archive written before records were signed: reprocess keeps the stored article (refused, recorded)
    unless the operator passes --trust-unsigned."""
    from forumwatch.flows.reprocess import reprocess
    from forumwatch.settings import raw_dir_for

    db = tmp_path / "fw.duckdb"
    url = "https://www.outlet.example/news/2"
    _stored_article(db, url, "old extraction")
    with fwdb.connect(str(db)) as con:
        load.upsert_sources(con, [OUTLET], WHEN)
    raw_dir_for(db).mkdir()
    foreign_warc(raw_dir_for(db) / "legacy.warc.gz", [(url, html("new extraction"), {"WARC-Source-Id": "outlet"})])
    state = reprocess(db=str(db), return_state=True)  # its only page refused, nothing loaded: says so
    assert state.is_failed() and "1 failed pages" in (state.message or "")
    assert query(db, "SELECT title FROM articles") == [("old extraction",)]
    assert query(db, "SELECT count(*) FROM fetches WHERE error LIKE 'refused: the archived copy%'") == [(1,)]
    assert reprocess(db=str(db), trust_unsigned=True, return_state=True).is_completed()
    assert query(db, "SELECT title FROM articles") == [("new extraction",)]
