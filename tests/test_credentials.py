"""Credentials in a feed_url (`https://user:secret@host/feed.xml`): sent as basic auth to the feed's own host, never
after a redirect to another host, and stored or logged only with the password shown as ***."""

from __future__ import annotations

import base64
import gzip
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from dbquery import query
from multihost import Host, loopback_hosts
from webserver import serve

from forumwatch.flows.ingest import ingest
from forumwatch.settings import FetchSettings
from forumwatch.tasks.fetch import FetchRequest, fetch_all
from forumwatch.tasks.sources import SourcesError, read_sources
from forumwatch.tasks.urls import redact_credentials

FEED = '<rss version="2.0"><channel><title>t</title><item><title>a</title><link>{}</link></item></channel></rss>'
PAGE = "<html><head><title>Forum opens</title></head><body><article>{}</article></body></html>".format(
    "<p>Defence ministers met in Beijing on Tuesday to discuss maritime security and arms control.</p>" * 6
)
SECRET = "s3cr@t"  # an '@' in the password too
BASIC = "Basic " + base64.b64encode(f"reader:{SECRET}".encode()).decode()
SETTINGS = FetchSettings(
    connect_timeout=2.0, read_timeout=2.0, total_timeout=5.0, retries=0, crawl_delay=0.0, respect_robots=False,
)  # fmt: skip


@pytest.fixture
def hosts() -> Iterator[Callable[..., list[Host]]]:
    with loopback_hosts() as start:
        yield start


def with_credentials(url: str, password: str = SECRET) -> str:
    return url.replace("://", f"://reader:{password}@", 1)


def test_redacted_urls_keep_the_user_and_hide_the_password() -> None:
    assert redact_credentials(f"https://reader:{SECRET}@host.example:8443/feed.xml?a=b@c") == (
        "https://reader:***@host.example:8443/feed.xml?a=b@c"
    )
    assert redact_credentials("https://TOKEN@host.example/feed") == "https://***@host.example/feed"  # a token alone
    assert redact_credentials("redirect to http://u:p@a/x: refused") == "redirect to http://u:***@a/x: refused"
    for unchanged in ("https://host.example/@user/feed", "mailto:a@b.example", "https://reader:***@host/feed"):
        assert redact_credentials(unchanged) == unchanged


def test_the_password_goes_to_the_feeds_host_only_and_results_show_it_as_stars(hosts) -> None:
    """Host A redirects relatively, then absolutely to itself, then to host B: A gets the credentials on every hop,
    B never (requests' own rule for the redirects it follows; ours are followed by hand)."""
    a, b = hosts(2)
    a.answers["/feed"] = [(302, {"Location": "/moved"})]
    a.answers["/moved"] = [(302, {"Location": a.url("/again")})]
    a.answers["/again"] = [(302, {"Location": b.url("/elsewhere")})]
    settings = FetchSettings(**{**SETTINGS.__dict__, "allow_private_hosts": frozenset({b.address})})
    request = FetchRequest(with_credentials(a.url("/feed")), "src", "feed", trusted_host=a.address)
    [result] = fetch_all([request], settings, None, "t")
    assert result.error is None and result.final_url == b.url("/elsewhere")
    assert [(path, h.get("Authorization")) for (path, _), h in zip(a.log, a.headers)] == [
        ("/feed", BASIC), ("/moved", BASIC), ("/again", BASIC),
    ]  # fmt: skip
    assert [(path, h.get("Authorization")) for (path, _), h in zip(b.log, b.headers)] == [("/elsewhere", None)]


@pytest.mark.usefixtures("prefect_harness", "fast_crawl")
def test_a_rotated_password_keeps_the_source_and_nothing_stored_or_logged_holds_it(tmp_path, caplog) -> None:
    """The feed needs basic auth: each run reads it with the CSV's credentials. No table, WARC record or log line
    holds a password; the second run, with a rotated password, is the same source and sends the feed's validators
    (they are found under the stored, redacted URL)."""
    db = tmp_path / "fw.duckdb"
    sources = tmp_path / "sources.csv"
    with serve() as site:
        feed = FEED.format(site.add("/a", PAGE))
        site.add("/feed", feed, headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})
        site.add("/gone", "missing", status=404)  # a failed feed: its error is logged and stored
        for password in (SECRET, "n3w-s3cret"):
            sources.write_text(f"name,feed_url\nLocked,{with_credentials(site.base + '/feed', password)}\n"
                               f"Gone,{with_credentials(site.base + '/gone', password)}\n")  # fmt: skip
            with caplog.at_level(logging.INFO):
                assert ingest(sources=str(sources), db=str(db), return_state=True).is_completed()
    sent = [(h.get("Authorization"), h.get("If-None-Match")) for path, h in site.requests if path == "/feed"]
    assert sent == [(BASIC, None), ("Basic " + base64.b64encode(b"reader:n3w-s3cret").decode(), '"v1"')]
    shown = "://reader:***@"
    assert query(db, "SELECT feed_url FROM sources ORDER BY name") == [
        (f"{site.base}/gone".replace("://", shown),),
        (f"{site.base}/feed".replace("://", shown),),
    ]
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 1
    assert holding(db, "s3cr") == [] and holding(db, shown) != []
    archived = [gzip.decompress(p.read_bytes()) for p in (tmp_path / "raw").rglob("*.warc.gz")]
    assert archived and not [a for a in archived if b"s3cr" in a] and [a for a in archived if shown.encode() in a]
    assert "s3cr" not in caplog.text and shown in caplog.text


def holding(db: Path, needle: str) -> list[tuple[str, str, str]]:
    """(schema, table, column) of every text column of the database with a value containing `needle`."""
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
        ).fetchall()
        found = 'SELECT count(*) FROM "{}"."{}" WHERE contains("{}", ?)'
        return [c for c in columns if con.execute(found.format(*c), [needle]).fetchone()[0]]


def test_a_sources_file_error_quotes_the_url_without_its_password(tmp_path) -> None:
    """The one-line error of a bad sources file (printed, logged) names the offending feed URL, password hidden."""
    sources = tmp_path / "sources.csv"
    url = with_credentials("https://feeds.example/rss.xml")
    sources.write_text(f"name,feed_url\nOne,{url}\nTwo,{url.replace(SECRET, 'other')}\n")
    with pytest.raises(SourcesError) as refused:
        read_sources(sources)
    assert "feed_url 'https://reader:***@feeds.example/rss.xml' on lines 2, 3" in str(refused.value)
    assert "s3cr" not in str(refused.value)
