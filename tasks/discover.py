"""Discover article links in feeds: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed (json)."""

from __future__ import annotations

import calendar
import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import feedparser

from forumwatch.tasks.dates import DateCandidate, in_source_zone, parse_iso, read_text_date
from forumwatch.tasks.language import dominant_script, normalize_tag
from forumwatch.tasks.urls import canonical_url

EARLIEST_PLAUSIBLE = datetime(1995, 1, 1)
MAX_ITEMS_PER_FEED = 5000
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
NOTHING_LISTED = "feed lists no items"  # a note when the feed lists none; an error when none of its items links


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
    note: str | None  # set when the feed was malformed but items were recovered, or lists none at all
    kind: str | None  # rss20, atom10, json, ...


def _plausible(moment: datetime | None, now: datetime) -> datetime | None:
    if moment is None or moment < EARLIEST_PLAUSIBLE or moment > now + timedelta(days=2):
        return None
    return moment


def _has_time(raw: str | None) -> bool:
    return raw is not None and bool(re.search(r"\d{1,2}:\d{2}", raw))


def _http_link(link: object, base: str) -> str | None:
    """The absolute http(s) URL of a feed link, or None for anything else (other schemes, bad ports, junk)."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
        parts = urlsplit(absolute)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range or not a number
        if parts.scheme in ("http", "https") and parts.hostname:
            return canonical_url(absolute)
    except ValueError:
        pass
    return None


def _entry_link(entry: feedparser.FeedParserDict, base: str) -> str | None:
    for candidate in _link_candidates(entry):
        link = _http_link(candidate, base)
        if link:
            return link
    return None


def _link_candidates(entry: feedparser.FeedParserDict) -> list:
    candidates = [entry.get("link")]
    candidates += [l.get("href") for l in entry.get("links", []) if l.get("rel", "alternate") == "alternate"]
    if entry.get("guidislink") or str(entry.get("id", "")).startswith("http"):
        candidates.append(entry.get("id"))
    return candidates


class _Skipped:
    """Links a feed listed that will not be fetched (another scheme, a bad port, ...), for the fetch note."""

    SHOWN = 5

    def __init__(self) -> None:
        self.links: list[str] = []

    def add(self, candidates: list) -> None:
        raw = next((c.strip() for c in candidates if isinstance(c, str) and c.strip()), None)
        if raw is not None:
            self.links.append(raw)

    def note(self) -> str | None:
        if not self.links:
            return None
        shown = ", ".join(repr(l[:120]) for l in self.links[: self.SHOWN])
        more = f" and {len(self.links) - self.SHOWN} more" if len(self.links) > self.SHOWN else ""
        return f"skipped {len(self.links)} link(s) that are not fetchable http(s) URLs: {shown}{more}"


def _join_notes(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


# Dates feedparser reads right: RFC 822 with an English month and a numeric or UTC zone, and ISO 8601 / W3C.
# Anything else it may misread ("2026年12月5日 10:30" and "2026/12/05" come out as the 1st of the month, a Unix
# time as 2017): those go to the text-date reader first, in the language their script suggests.
_RFC822 = re.compile(
    r"\s*(?:[A-Za-z]{3,9},?\s*)?\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{2,4}"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:GMT|UTC|UT|Z|[+-]\d{2}:?\d{2})?\s*"
)
_SCRIPT_LANGUAGE = {"CYRILLIC": "ru", "CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko"}


_YEAR_DIGITS = re.compile(r"\d{4}")  # an absolute date has a year (or is a Unix time); "2 hours ago" is not one


@lru_cache(maxsize=4096)
def _read_feed_date(raw: str) -> DateCandidate | None:
    """read_text_date in the language the string's script suggests; cached, as a feed repeats its forms."""
    return read_text_date(raw, _SCRIPT_LANGUAGE.get(dominant_script(raw) or "", "en"), "feed")


def _text_date_wanted(raw: object, parsed: object) -> bool:
    """Whether a feed date goes to the text-date reader: one with a year (or a Unix time) that feedparser did
    not read, or read from a form other than RFC 822 / ISO 8601."""
    if not isinstance(raw, str) or not _YEAR_DIGITS.search(raw):
        return False
    return not parsed or not (_RFC822.fullmatch(raw) or parse_iso(raw)[0] is not None)


def _parsed_date(parsed: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).replace(tzinfo=None)  # type: ignore[arg-type]
    except (OverflowError, ValueError, OSError, TypeError):
        return None


_MERIDIEM = re.compile(r"\s*\b[AaPp]\.?[Mm]\.?\s*$")
_ZONE_AT_END = re.compile(r"(?:[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})\s*$")  # "+0800", "+08:00", "GMT", "Z", "MSK"


def _in_zone(moment: datetime | None, raw: str | None, zone_known: bool, timezone: str | None) -> datetime | None:
    """A time written without a zone read in the source's timezone (its configured IANA zone), as UTC."""
    if moment is None or zone_known or not timezone or not _has_time(raw):
        return moment
    return in_source_zone(DateCandidate(moment, "feed", "minute", False), timezone).moment


_NAMED_ZONE_AT_END = re.compile(r"\s+([A-Za-z]{2,5})\s*$")
_UNIVERSAL = {"GMT", "UTC", "UT", "Z"}


def _in_source_zone_name(raw: object, timezone: str | None) -> datetime | None:
    """The time (UTC) read in the source's zone when the zone name it ends with is that zone's own at that date
    ('CST' in a Beijing feed is China Standard Time, which feedparser and the text reader take for US Central);
    else None."""
    if not timezone or not isinstance(raw, str):
        return None
    found = _NAMED_ZONE_AT_END.search(raw)
    if found is None or found[1].upper() in _UNIVERSAL:
        return None
    local = raw[: found.start()].strip()
    read = _read_feed_date(local)
    if read is None or read.zone_known or read.precision != "minute":
        return None
    try:
        name = read.moment.replace(tzinfo=ZoneInfo(timezone)).tzname()
    except (ValueError, OSError, ZoneInfoNotFoundError):  # not an IANA zone: the name is read as before
        return None
    if str(name).upper() != found[1].upper():
        return None
    return _in_zone(read.moment, local, False, timezone)


# Without a configured timezone, the zone whose own abbreviation (tzdata's) a feed's language makes unambiguous:
# 'CST' in Chinese is China Standard Time, +08:00 (tzdata names the standard time of Asia/Shanghai and Asia/Taipei
# CST), not US Central; 'IST' in Hindi is India Standard Time, +05:30 (Asia/Kolkata), not Israel's or Ireland's.
# 'MSK' (Moscow) and 'JST' have one reading in any language and are read right already.
LANGUAGE_ZONES = {"zh": "Asia/Shanghai", "hi": "Asia/Kolkata"}


def _language_tag(value: object) -> str | None:
    return normalize_tag(value) if isinstance(value, str) else None


def _entry_language(entry: feedparser.FeedParserDict, language: str | None) -> str | None:
    """The entry's language: the source's or feed's (`language`), else the entry's xml:lang, else Chinese for a
    title written in Chinese characters (without kana)."""
    detail = dict.get(entry, "title_detail") or {}
    declared = language or _language_tag(detail.get("language") if isinstance(detail, dict) else None)
    title = dict.get(entry, "title")
    if declared is None and isinstance(title, str) and dominant_script(title) == "CJK":
        return "zh"
    return declared


def _entry_date(
    entry: feedparser.FeedParserDict, now: datetime, timezone: str | None = None, language: str | None = None
) -> tuple[datetime | None, bool]:
    """(published time in UTC, whether it has a time of day); zone names are read in `timezone` when they are its
    own, else, without one, in the zone the entry's language (source's, feed's or its own) makes unambiguous."""
    names_zone = timezone or LANGUAGE_ZONES.get(_entry_language(entry, language) or "")
    for key in ("published", "updated", "created"):
        raw = dict.get(entry, key)  # not feedparser's deprecated updated -> published fallback: each key once
        parsed = dict.get(entry, f"{key}_parsed")
        local = _in_source_zone_name(raw, names_zone)
        if local is not None:
            return _plausible(local, now), True
        if _text_date_wanted(raw, parsed):
            read = _read_feed_date(str(raw).strip())
            if read is not None:
                moment = _in_zone(read.moment, raw, read.zone_known, timezone)
                return _plausible(moment, now), read.precision == "minute"
        if parsed:
            moment = _in_zone(_parsed_date(parsed), raw, _zoned(raw), timezone)
            return _plausible(moment, now), _has_time(raw)
    return None, False


def _zoned(raw: object) -> bool:
    """Whether a date string ends in a zone (an offset or a name; AM/PM is not one)."""
    return isinstance(raw, str) and bool(_ZONE_AT_END.search(_MERIDIEM.sub("", raw.strip())))


def _parse_json_feed(
    body: bytes, source_id: str, base: str, now: datetime, max_items: int = MAX_ITEMS_PER_FEED
) -> FeedParse:
    try:
        doc = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        return FeedParse([], f"malformed JSON feed: {exc}", None, "json")
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return FeedParse([], "malformed JSON feed: no items list", None, "json")
    items = []
    seen: set[str] = set()
    skipped = _Skipped()
    for raw in doc["items"][:max_items]:
        if not isinstance(raw, dict):
            continue
        guid = raw.get("id") if str(raw.get("id", "")).startswith(("http://", "https://")) else None
        candidates = [raw.get("url"), raw.get("external_url"), guid]
        link = next((l for l in (_http_link(c, base) for c in candidates) if l), None)
        if not link:
            skipped.add(candidates)
            continue
        stamp = raw.get("date_published") or raw.get("date_modified")
        moment = None
        if isinstance(stamp, str):
            moment = _plausible(parse_iso(stamp)[0], now)
        title = raw.get("title") if isinstance(raw.get("title"), str) else None
        if link in seen:
            continue
        seen.add(link)
        items.append(FeedItem(link, source_id, title, moment, moment is not None and _has_time(stamp)))
    if not doc["items"]:
        return FeedParse([], None, NOTHING_LISTED, "json")
    note = _join_notes(skipped.note(), _cap_note(len(doc["items"]), max_items))
    return FeedParse(items, None if items else NOTHING_LISTED, note, "json")


_ITEM_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")


def _cut_items(body: bytes, max_items: int) -> tuple[bytes, int | None]:
    """Cut an XML feed listing more than `max_items` items just before the first item over the cap, so the
    parser's work stays bounded (feedparser costs about a millisecond per item). Returns the body to parse
    and the number of items listed (None when nothing was cut). The cut document is closed by the parser's
    error recovery; the items before the cut are complete."""
    starts = _ITEM_START.finditer(body)
    cut = None
    n = 0
    for n, match in enumerate(starts, start=1):
        if n == max_items + 1:
            cut = match.start()
    if cut is None:
        return body, None
    return body[:cut], n


def _cap_note(n_entries: int, max_items: int) -> str | None:
    return f"only the first {max_items} of {n_entries} items read" if n_entries > max_items else None


def looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
MAX_FEED_LINKS = 3
_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def feed_links(body: bytes, page_url: str) -> list[str]:
    """The feeds an HTML page names (<link rel="alternate" type="application/rss+xml" href=...>), absolute
    http(s) and canonical, at most MAX_FEED_LINKS, in page order; [] for anything else. Never raises."""
    found: list[str] = []
    for tag in _LINK_TAG.findall(body[:1_000_000]):
        attrs = {m[0].lower(): html.unescape(m[1] or m[2] or m[3]) for m in _ATTRIBUTE.findall(tag.decode("latin-1"))}
        rels = attrs.get("rel", "").lower().split()
        kind = attrs.get("type", "").split(";", 1)[0].strip().lower()
        url = _http_link(attrs.get("href"), page_url) if "alternate" in rels and kind in FEED_TYPES else None
        if url and url not in found and url != canonical_url(page_url):
            found.append(url)
    return found[:MAX_FEED_LINKS]


def parse_feed(
    body: bytes,
    feed_url: str,
    source_id: str,
    now: datetime | None = None,
    max_items: int = MAX_ITEMS_PER_FEED,
    timezone: str | None = None,
    language: str | None = None,
) -> FeedParse:
    """Items of a feed document (at most `max_items`). Never raises: a feed that cannot be read comes
    back with error set. `timezone` and `language` are the source's (see _entry_date)."""
    try:
        return _parse_feed(body, feed_url, source_id, now, max_items, timezone, language)
    except Exception as exc:  # one hostile feed must cost its source, never the run
        return FeedParse([], f"feed parser crashed: {type(exc).__name__}: {exc}"[:500], None, None)


def _parse_feed(
    body: bytes,
    feed_url: str,
    source_id: str,
    now: datetime | None,
    max_items: int,
    timezone: str | None,
    language: str | None,
) -> FeedParse:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if not body or not body.strip():
        return FeedParse([], "empty feed body", None, None)
    if looks_like_json(body):
        return _parse_json_feed(body, source_id, feed_url, now, max_items)
    # the whole body, NUL bytes dropped so a UTF-16/32 document cannot hide its DOCTYPE
    if ENTITY_DECLARATION.search(body) or ENTITY_DECLARATION.search(body.replace(b"\x00", b"")):
        return FeedParse(
            [], "refused: feed declares XML entities (possible entity-expansion or XXE attack)", None, None
        )
    body, n_listed = _cut_items(body, max_items)
    try:
        parsed = feedparser.parse(
            body,
            response_headers={"content-location": feed_url, "content-type": "application/xml"},
            sanitize_html=False,
        )
    except Exception as exc:  # feedparser is defensive, but a parser crash must not stop the run
        return FeedParse([], f"feed parser crashed: {type(exc).__name__}: {exc}", None, None)
    kind = parsed.get("version") or None
    language = language or _language_tag(parsed.feed.get("language"))  # RSS <language> or the feed's xml:lang
    items: list[FeedItem] = []
    seen: set[str] = set()
    skipped = _Skipped()
    for entry in parsed.entries[:max_items]:
        url = _entry_link(entry, feed_url)
        if not url:
            skipped.add(_link_candidates(entry))
            continue
        if url in seen:
            continue
        seen.add(url)
        published, has_time = _entry_date(entry, now, timezone, language)
        title = (entry.get("title") or "").strip() or None
        items.append(FeedItem(url, source_id, title, published, has_time))
    problem = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") and n_listed is None else ""
    if not items:
        if not kind:
            return FeedParse([], f"not a feed: {problem or 'no RSS/Atom/JSON structure found'}", None, None)
        if not parsed.entries and not problem:  # a well-formed feed of a quiet outlet: nothing new is no failure
            return FeedParse([], None, NOTHING_LISTED, kind)
        return FeedParse([], NOTHING_LISTED + (f" ({problem})" if problem else ""), None, kind)
    note = _join_notes(
        f"malformed feed, {len(items)} items recovered: {problem}" if problem else None,
        skipped.note(),
        _cap_note(n_listed or len(parsed.entries), max_items),
    )
    return FeedParse(items, None, note, kind)
