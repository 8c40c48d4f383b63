"""Discover article links in feeds: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed (json)."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import feedparser

from tasks.urls import canonical_url

EARLIEST_PLAUSIBLE = datetime(1995, 1, 1)
MAX_ITEMS_PER_FEED = 5000
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class FeedItem:
    url: str  # canonical
    source_id: str
    title: str | None
    published_at: datetime | None  # UTC, naive
    published_has_time: bool


@dataclass
class FeedParse:
    items: list[FeedItem]
    error: str | None  # set when nothing usable came out of the feed
    note: str | None  # set when the feed was malformed but items were recovered
    kind: str | None  # rss20, atom10, json, ...


def _plausible(moment: datetime | None, now: datetime) -> datetime | None:
    if moment is None or moment < EARLIEST_PLAUSIBLE or moment > now + timedelta(days=2):
        return None
    return moment


def _has_time(raw: str | None) -> bool:
    return bool(raw) and bool(re.search(r"\d{1,2}:\d{2}", raw))


def _http_link(link: str | None, base: str) -> str | None:
    if not link:
        return None
    absolute = urljoin(base, link.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).hostname else None


def _entry_link(entry: feedparser.FeedParserDict, base: str) -> str | None:
    candidates = [entry.get("link")]
    candidates += [l.get("href") for l in entry.get("links", []) if l.get("rel", "alternate") == "alternate"]
    if entry.get("guidislink") or str(entry.get("id", "")).startswith("http"):
        candidates.append(entry.get("id"))
    for candidate in candidates:
        link = _http_link(candidate, base)
        if link:
            return link
    return None


def _entry_date(entry: feedparser.FeedParserDict, now: datetime) -> tuple[datetime | None, bool]:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).replace(tzinfo=None)
            except (OverflowError, ValueError):
                moment = None
            return _plausible(moment, now), _has_time(entry.get(key))
    return None, False


def _parse_json_feed(body: bytes, source_id: str, base: str, now: datetime) -> FeedParse:
    try:
        doc = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        return FeedParse([], f"malformed JSON feed: {exc}", None, "json")
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return FeedParse([], "malformed JSON feed: no items list", None, "json")
    items = []
    for raw in doc["items"][:MAX_ITEMS_PER_FEED]:
        if not isinstance(raw, dict):
            continue
        guid = raw.get("id") if str(raw.get("id", "")).startswith(("http://", "https://")) else None
        link = _http_link(raw.get("url") or raw.get("external_url") or guid, base)
        if not link:
            continue
        stamp = raw.get("date_published") or raw.get("date_modified")
        moment = None
        if isinstance(stamp, str):
            try:
                parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                if parsed.tzinfo:
                    parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
                moment = _plausible(parsed, now)
            except ValueError:
                moment = None
        title = raw.get("title") if isinstance(raw.get("title"), str) else None
        items.append(FeedItem(canonical_url(link), source_id, title, moment, moment is not None and _has_time(stamp)))
    return FeedParse(items, None if items else "feed lists no items", None, "json")


def looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_feed(body: bytes, feed_url: str, source_id: str, now: datetime | None = None) -> FeedParse:
    """Items of a feed document. Never raises: a feed that cannot be read comes back with error set."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    if not body or not body.strip():
        return FeedParse([], "empty feed body", None, None)
    if looks_like_json(body):
        return _parse_json_feed(body, source_id, feed_url, now)
    if ENTITY_DECLARATION.search(body[:65536]):
        return FeedParse([], "refused: feed declares XML entities (possible entity-expansion or XXE attack)", None, None)
    try:
        parsed = feedparser.parse(body, response_headers={"content-location": feed_url, "content-type": "application/xml"}, sanitize_html=False)
    except Exception as exc:  # feedparser is defensive, but a parser crash must not stop the run
        return FeedParse([], f"feed parser crashed: {type(exc).__name__}: {exc}", None, None)
    kind = parsed.get("version") or None
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries[:MAX_ITEMS_PER_FEED]:
        link = _entry_link(entry, feed_url)
        if not link:
            continue
        url = canonical_url(link)
        if url in seen:
            continue
        seen.add(url)
        published, has_time = _entry_date(entry, now)
        title = (entry.get("title") or "").strip() or None
        items.append(FeedItem(url, source_id, title, published, has_time))
    problem = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") else ""
    if not items:
        if not kind:
            return FeedParse([], f"not a feed: {problem or 'no RSS/Atom/JSON structure found'}", None, None)
        return FeedParse([], "feed lists no items" + (f" ({problem})" if problem else ""), None, kind)
    note = f"malformed feed, {len(items)} items recovered: {problem}" if problem else None
    if len(parsed.entries) > MAX_ITEMS_PER_FEED:
        note = (note + "; " if note else "") + f"only the first {MAX_ITEMS_PER_FEED} of {len(parsed.entries)} items read"
    return FeedParse(items, None, note, kind)
