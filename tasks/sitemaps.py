"""Backfill discovery from sitemaps: robots.txt `Sitemap:` lines or a configured sitemap, indexes,
urlsets and news sitemaps (also .xml.gz), filtered by lastmod / news:publication_date."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from forumwatch.tasks.dates import parse_iso
from forumwatch.tasks.discover import FeedItem
from forumwatch.tasks.fetch import FetchRequest, FetchResult
from forumwatch.tasks.netguard import origin
from forumwatch.tasks.robots import robots_url
from forumwatch.tasks.sources import Source
from forumwatch.tasks.urls import canonical_url, host_of

MAX_SITEMAPS_PER_SOURCE = 100  # sitemap documents fetched per source (indexes included)
MAX_URLS_PER_SOURCE = 50_000  # page URLs kept per source
MAX_DEPTH = 3  # index -> index -> urlset
MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit (uncompressed)
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)

Fetch = Callable[[list[FetchRequest]], list[FetchResult]]


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None  # UTC, naive
    published_at: datetime | None  # news:publication_date, UTC, naive
    has_time: bool
    title: str | None


@dataclass
class ParsedSitemap:
    kind: str | None  # 'index' | 'urlset' | None when unreadable
    entries: list[SitemapEntry]
    error: str | None = None


@dataclass
class SourceSitemaps:
    """What sitemap discovery found for one source."""

    source_id: str
    sitemaps: list[str] = field(default_factory=list)  # documents read
    items: list[FeedItem] = field(default_factory=list)  # pages dated within [start, end]
    out_of_range: int = 0
    undated: int = 0
    error: str | None = None  # a robots.txt or sitemap fetch or parse failed (days are then 'failed')
    note: str | None = None  # e.g. no sitemap configured or listed


def parse_w3c_date(text: str | None) -> tuple[datetime | None, bool]:
    """A W3C datetime (YYYY-MM-DD, or with time and zone) as naive UTC, and whether it had a time;
    (None, False) for anything else, including times that leave the calendar in UTC."""
    moment, has_time = parse_iso(text)
    return moment, has_time and moment is not None


def _gunzip(body: bytes) -> bytes:
    out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_XML_BYTES + 1)
    if len(out) > MAX_XML_BYTES:
        raise ValueError(f"over {MAX_XML_BYTES} bytes uncompressed")
    return out


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _child_text(element: Element, *path: str) -> str | None:
    """Text of the first descendant following local names `path` (namespaces ignored)."""
    current: Element | None = element
    for name in path:
        current = next((c for c in current if _local(c.tag) == name), None) if current is not None else None
    return (current.text or "").strip() or None if current is not None else None


def parse_sitemap(body: bytes, base: str = "") -> ParsedSitemap:
    """Entries of a sitemap index or urlset (gzipped or not); never raises, never resolves entities."""
    try:
        if body[:2] == b"\x1f\x8b":
            body = _gunzip(body)
        if ENTITY_DECLARATION.search(body[:65536]):
            return ParsedSitemap(None, [], "refused: sitemap declares XML entities")
        root = fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ValueError, zlib.error, SyntaxError) as exc:
        return ParsedSitemap(None, [], f"unreadable sitemap: {type(exc).__name__}: {exc}"[:300])
    kind = {"sitemapindex": "index", "urlset": "urlset"}.get(_local(root.tag))
    if kind is None:
        return ParsedSitemap(None, [], f"not a sitemap: root element <{_local(root.tag)}>")
    child = "sitemap" if kind == "index" else "url"
    entries = []
    for element in root:
        if _local(element.tag) != child:
            continue
        loc = _http_url(base, _child_text(element, "loc"))
        if loc is None:
            continue
        lastmod, lastmod_time = parse_w3c_date(_child_text(element, "lastmod"))
        published, published_time = parse_w3c_date(_child_text(element, "news", "publication_date"))
        title = _child_text(element, "news", "title")
        has_time = published_time if published else lastmod_time
        entries.append(SitemapEntry(loc, lastmod, published, has_time, title))
    return ParsedSitemap(kind, entries)


def _http_url(base: str, loc: str | None) -> str | None:
    """`loc` resolved against `base` when it is a readable http(s) URL with a host (canonicalisable), else None."""
    if not loc:
        return None
    try:
        url = urljoin(base, loc)
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
        canonical_url(url)
    except (ValueError, UnicodeError):
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def sitemaps_in_robots(body: bytes | None, base: str = "") -> list[str]:
    """The `Sitemap:` URLs a robots.txt lists, in order, each once."""
    text = (body or b"").decode("utf-8", "replace")
    urls = (_http_url(base, m) for m in SITEMAP_LINE.findall(text))
    return list(dict.fromkeys(u for u in urls if u))


def source_hosts(source: Source) -> set[str]:
    """Hosts whose pages belong to a source (homepage, feed, sitemap), without a leading www."""
    urls = [source.homepage, source.feed_url, source.sitemap_url]
    return {host_of(u).removeprefix("www.") for u in urls if u and host_of(u)}


def belongs(url: str, hosts: set[str]) -> bool:
    host = host_of(url).removeprefix("www.")
    return any(host == h or host.endswith("." + h) for h in hosts)


def day_of(entry: SitemapEntry) -> date | None:
    moment = entry.published_at or entry.lastmod
    return moment.date() if moment else None


def discover(
    sources: list[Source],
    start: date,
    end: date,
    fetch: Fetch,
    max_sitemaps: int = MAX_SITEMAPS_PER_SOURCE,
    max_urls: int = MAX_URLS_PER_SOURCE,
) -> dict[str, SourceSitemaps]:
    """Read every source's sitemaps level by level (one `fetch` call per level, all sources together)
    and keep the page URLs dated within [start, end]."""
    found = {s.source_id: SourceSitemaps(s.source_id) for s in sources}
    by_id = {s.source_id: s for s in sources}
    errors: dict[str, list[str]] = {s.source_id: [] for s in sources}
    queue: list[tuple[str, str]] = [(s.source_id, s.sitemap_url) for s in sources if s.sitemap_url]
    robots = [s for s in sources if not s.sitemap_url]
    if robots:
        requests = [
            FetchRequest(
                robots_url(s.homepage or s.feed_url),
                s.source_id,
                "robots",
                trusted_host=origin(s.feed_url),
                crawl_delay=s.crawl_delay,
            )
            for s in robots
        ]
        for source, result in zip(robots, fetch(requests)):
            if result.error and not (result.status and 400 <= result.status < 500):
                errors[source.source_id].append(f"{result.url}: {result.error}")
                continue
            listed = [] if result.error else sitemaps_in_robots(result.body, result.final_url or result.url)
            queue += [(source.source_id, url) for url in listed]
            if not listed:
                found[source.source_id].note = "no sitemap_url configured and no Sitemap: line in robots.txt"
    seen: set[str] = set()
    for _depth in range(MAX_DEPTH):
        todo = []
        for source_id, url in queue:
            if url not in seen and len(found[source_id].sitemaps) < max_sitemaps:
                seen.add(url)
                found[source_id].sitemaps.append(url)
                todo.append((source_id, url))
        if not todo:
            break
        requests = [
            FetchRequest(
                url, sid, "sitemap", trusted_host=origin(by_id[sid].feed_url), crawl_delay=by_id[sid].crawl_delay
            )
            for sid, url in todo
        ]
        queue = []
        for (source_id, url), result in zip(todo, fetch(requests)):
            parsed = parse_sitemap(result.body or b"", result.final_url or url) if not result.error else None
            if parsed is None or parsed.error:
                errors[source_id].append(f"{url}: {result.error or parsed.error}")  # type: ignore[union-attr]
                continue
            if parsed.kind == "index":
                queue += [(source_id, e.loc) for e in parsed.entries if e.lastmod is None or e.lastmod.date() >= start]
            else:
                _keep_pages(found[source_id], by_id[source_id], parsed.entries, start, end, max_urls)
    for source_id, result in found.items():
        if errors[source_id]:
            result.error = "; ".join(errors[source_id])[:1000]
    return found


def _keep_pages(
    found: SourceSitemaps, source: Source, entries: list[SitemapEntry], start: date, end: date, max_urls: int
) -> None:
    hosts = source_hosts(source)
    known = {item.url for item in found.items}
    for entry in entries:
        day = day_of(entry)
        if not belongs(entry.loc, hosts):
            continue
        if day is None:
            found.undated += 1
        elif not start <= day <= end:
            found.out_of_range += 1
        elif len(found.items) < max_urls:
            url = canonical_url(entry.loc)
            if url not in known:
                known.add(url)
                found.items.append(
                    FeedItem(url, source.source_id, entry.title, entry.published_at or entry.lastmod, entry.has_time)
                )
