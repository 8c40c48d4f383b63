"""Sitemap parsing (plain functions, no Prefect): urlsets, news sitemaps, gzip, hostile XML, caps."""

from __future__ import annotations

import gzip
from datetime import date, datetime

from forumwatch.tasks.fetch import FetchRequest, FetchResult
from forumwatch.tasks.sitemaps import discover, parse_sitemap, sitemaps_in_robots
from forumwatch.tasks.sources import Source

NEWS = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://a.example/x?utm_source=s</loc>
 <news:news><news:publication_date>2023-10-31T14:55:00+05:30</news:publication_date><news:title>T</news:title>
 </news:news></url><url><loc>https://a.example/y</loc><lastmod>2023-10-01</lastmod></url></urlset>"""


def test_news_sitemap_gzipped_dates_in_utc():
    parsed = parse_sitemap(gzip.compress(NEWS))
    assert parsed.kind == "urlset" and parsed.error is None
    x, y = parsed.entries
    assert (x.published_at, x.has_time, x.title) == (datetime(2023, 10, 31, 9, 25), True, "T")
    assert (y.lastmod, y.has_time, y.published_at) == (datetime(2023, 10, 1), False, None)


def test_hostile_or_broken_xml_is_refused_not_raised():
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset>&b;</urlset>'
    assert parse_sitemap(bomb).error.startswith("refused")
    assert parse_sitemap(b"<urlset><url><loc>cut").kind is None
    assert parse_sitemap(b"<html></html>").error.startswith("not a sitemap")
    assert parse_sitemap(b"\x1f\x8bnot gzip").error


def test_robots_lines_and_discovery_caps_and_filters():
    assert sitemaps_in_robots(
        b"User-agent: *\nSITEMAP: /s.xml\nSitemap: https://a.example/s.xml\n", "https://a.example/robots.txt"
    ) == ["https://a.example/s.xml"]
    urls = "".join(
        f"<url><loc>https://a.example/{i}</loc><lastmod>2023-10-{1 + i % 28:02d}</lastmod></url>" for i in range(100)
    )
    docs = {
        "https://a.example/s.xml": f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}'
        "<url><loc>https://evil.example/p</loc><lastmod>2023-10-05</lastmod></url></urlset>"
    }

    def fetch(requests: list[FetchRequest]) -> list[FetchResult]:
        return [
            FetchResult(
                r.url,
                r.source_id,
                r.kind,
                r.url,
                200,
                None,
                datetime(2023, 12, 1),
                docs[r.url].encode(),
                None,
                None,
                None,
                None,
                None,
                False,
                0,
                0,
                1,
                None,
                None,
            )
            for r in requests
        ]

    source = Source("a", "A", "https://a.example/feed", sitemap_url="https://a.example/s.xml")
    found = discover([source], date(2023, 10, 5), date(2023, 10, 6), fetch)["a"]
    assert sorted(i.url for i in found.items) == sorted(
        f"https://a.example/{i}" for i in (4, 5, 32, 33, 60, 61, 88, 89)
    )
    assert found.out_of_range == 92 and found.error is None
    capped = discover([source], date(2023, 10, 1), date(2023, 10, 31), fetch, max_urls=10)["a"]
    assert len(capped.items) == 10
