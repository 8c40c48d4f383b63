"""The article's own publication time from page markup, with its source and precision."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil import parser as dateparser
from lxml import html as lxml_html

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "blogposting",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "report",
    "liveblogposting",
}
META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dc.date",
    "dcterms.issued",
    "dcterms.created",
    "date",
    "article.published",
    "published-date",
    "cxenseparse:recs:publishtime",
)
TIME_CLASS = re.compile(r"publish|posted|date|entry-date|byline", re.IGNORECASE)
HAS_CLOCK = re.compile(r"\d{1,2}:\d{2}")
EARLIEST = datetime(1995, 1, 1)  # page and feed candidates before this are ignored when choosing
FLOOR = datetime(1990, 1, 1)  # no stored published_at is earlier than this (sane_published_at)
MAX_AHEAD = timedelta(days=1)  # nor later than the fetch time plus this
MAX_STAMP_CHARS = 80
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def utc_naive(moment: datetime) -> datetime | None:
    """An aware time as naive UTC (a naive one as it is); None when the conversion leaves the calendar
    (0001-01-01T00:00:00+05:30, 9999-12-31T23:00:00-12:00) or the zone is unusable."""
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def parse_iso(text: object) -> tuple[datetime | None, bool]:
    """An ISO 8601 / W3C date or datetime as naive UTC, and whether it carried a time; (None, False) for
    anything else, never an exception."""
    if not isinstance(text, str):
        return None, False
    text = _CONTROL.sub("", text).strip()
    if not text or len(text) > MAX_STAMP_CHARS:
        return None, False
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError, TypeError):
        return None, False
    return utc_naive(moment), "T" in text or " " in text


def sane_published_at(moment: datetime | None, fetched_at: datetime | None) -> tuple[datetime | None, str | None]:
    """The guard every publication time passes before it is stored: naive UTC within 1990-01-01 ..
    fetch time + 1 day (a fetch time in the future counts as now). Outside that, (None, a note saying
    what was dropped); a missing date is (None, None)."""
    if moment is None:
        return None, None
    if not isinstance(moment, datetime):
        return None, f"publication date {str(moment)[:40]!r} is not a time; dropped"
    shown = moment.isoformat()[:40]
    moment = utc_naive(moment)
    if moment is None:
        return None, f"publication date {shown} cannot be converted to UTC; dropped"
    now = datetime.now(UTC).replace(tzinfo=None)
    fetched = utc_naive(fetched_at) if isinstance(fetched_at, datetime) else None
    ceiling = min(fetched or now, now) + MAX_AHEAD
    if moment < FLOOR:
        return None, f"publication date {shown} is before {FLOOR.date()}; dropped"
    if moment > ceiling:
        return None, f"publication date {shown} is after the fetch time + 1 day ({ceiling:%Y-%m-%d %H:%M}); dropped"
    return moment, None


@dataclass(frozen=True)
class DateCandidate:
    moment: datetime  # UTC, naive
    source: str  # jsonld | meta | time | feed | trafilatura
    precision: str  # minute | day
    zone_known: bool


def parse_stamp(raw: str, source: str) -> DateCandidate | None:
    """Parse one date string; times with an offset are converted to UTC. Never raises: a value that is
    not a date, or that leaves the calendar in UTC, gives None."""
    raw = _CONTROL.sub("", raw).strip() if isinstance(raw, str) else ""
    if not raw or len(raw) > MAX_STAMP_CHARS:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OverflowError, TypeError):
        try:
            moment = dateparser.parse(raw, fuzzy=False)
        except Exception:  # dateutil raises ParserError, OverflowError, TypeError, IndexError... on junk
            return None
    if not isinstance(moment, datetime):
        return None
    with_time = bool(HAS_CLOCK.search(raw))
    zone_known = moment.tzinfo is not None
    utc = utc_naive(moment)
    if utc is None:
        return None
    return DateCandidate(utc, source, "minute" if with_time else "day", zone_known or not with_time)


MAX_JSONLD_OBJECTS = 1000


def _jsonld_objects(node: object):
    """The dicts of a JSON-LD document and its @graph / mainEntity parts, depth first, without recursion
    (a hostile page may nest thousands of levels)."""
    stack = [node]
    seen = 0
    while stack and seen < MAX_JSONLD_OBJECTS:
        node = stack.pop()
        seen += 1
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            yield node
            stack.extend(node[k] for k in ("mainEntityOfPage", "mainEntity", "@graph") if k in node)


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _from_jsonld(tree) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    for script in tree.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        try:
            doc = json.loads(script.text_content() or "")
        except (ValueError, RecursionError):
            continue
        for obj in _jsonld_objects(doc):
            stamp = obj.get("datePublished") or obj.get("dateCreated")
            if isinstance(stamp, str) and (_types(obj) & ARTICLE_TYPES or not found):
                candidate = parse_stamp(stamp, "jsonld")
                if candidate:
                    found.insert(0, candidate) if _types(obj) & ARTICLE_TYPES else found.append(candidate)
    return found


def _from_meta(tree) -> list[DateCandidate]:
    by_key: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in META_KEYS and key not in by_key:
            by_key[key] = meta.get("content", "")
    found = []
    for key in META_KEYS:
        if key in by_key:
            candidate = parse_stamp(by_key[key], "meta")
            if candidate:
                found.append(candidate)
    return found


def _from_time_elements(tree) -> list[DateCandidate]:
    """<time datetime> marked as the publication time, or inside the article element."""
    marked = tree.xpath('//time[@datetime][@itemprop="datePublished" or @pubdate or @data-published]')
    in_article = tree.xpath("//article//time[@datetime]")
    classed = [
        t
        for t in tree.xpath("//time[@datetime]")
        if TIME_CLASS.search(
            t.get("class", "") + " " + (t.getparent().get("class", "") if t.getparent() is not None else "")
        )
    ]
    for element in marked + in_article + classed:
        candidate = parse_stamp(element.get("datetime", ""), "time")
        if candidate:
            return [candidate]
    return []


def page_date_candidates(page) -> list[DateCandidate]:
    """Date candidates from structured markup (HTML text or a parsed tree), best first: JSON-LD, meta, <time>."""
    try:
        tree = lxml_html.fromstring(page) if isinstance(page, str) else page
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return []
    return _from_jsonld(tree) + _from_meta(tree) + _from_time_elements(tree)


def plausible(candidate: DateCandidate | None, fetched_at: datetime) -> bool:
    return candidate is not None and EARLIEST <= candidate.moment <= fetched_at + timedelta(days=1)


@dataclass(frozen=True)
class ChosenDate:
    published_at: datetime | None
    source: str | None
    precision: str | None
    note: str | None


def choose_date(
    page: list[DateCandidate], feed: DateCandidate | None, fallback_day: date | None, fetched_at: datetime
) -> ChosenDate:
    """Pick the most trustworthy, most precise date; never the fetch time.

    Order: an exact page date (JSON-LD, meta, <time>); the feed's date unless a day-only page date
    contradicts it; a day-only page date; last, trafilatura's heuristic day (it guesses from text).
    """
    ignored = [c for c in [*page, feed] if c is not None and not plausible(c, fetched_at)]
    page = [c for c in page if plausible(c, fetched_at)]
    feed = feed if plausible(feed, fetched_at) else None
    exact = next((c for c in page if c.precision == "minute"), None)
    page_day = next((c for c in page if c.precision == "day"), None)
    if feed and page_day and abs((feed.moment.date() - page_day.moment.date()).days) > 1:
        feed = None
    guessed = None
    if fallback_day:
        guessed = DateCandidate(datetime.combine(fallback_day, datetime.min.time()), "trafilatura", "day", True)
        guessed = guessed if plausible(guessed, fetched_at) else None
    if feed and feed.precision == "day" and page_day:
        feed = None
    chosen = exact or feed or page_day or guessed
    if chosen is None:
        if ignored:
            shown = ", ".join(f"{c.moment.isoformat()} ({c.source})" for c in ignored[:3])
            return ChosenDate(None, None, None, f"no plausible publication date: ignored {shown}")
        return ChosenDate(None, None, None, "no publication date found in the page or the feed")
    note = None if chosen.zone_known else "time zone not given; read as UTC"
    return ChosenDate(chosen.moment, chosen.source, chosen.precision, note)
