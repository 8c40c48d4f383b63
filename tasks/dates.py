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
EARLIEST = datetime(1995, 1, 1)


@dataclass(frozen=True)
class DateCandidate:
    moment: datetime  # UTC, naive
    source: str  # jsonld | meta | time | feed | trafilatura
    precision: str  # minute | day
    zone_known: bool


def parse_stamp(raw: str, source: str) -> DateCandidate | None:
    """Parse one date string; times with an offset are converted to UTC."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 80:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = dateparser.parse(raw, fuzzy=False)
        except (ValueError, OverflowError, TypeError):
            return None
    if moment is None:
        return None
    with_time = bool(HAS_CLOCK.search(raw))
    zone_known = moment.tzinfo is not None
    if zone_known:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return DateCandidate(moment, source, "minute" if with_time else "day", zone_known or not with_time)


def _jsonld_objects(node: object):
    if isinstance(node, list):
        for item in node:
            yield from _jsonld_objects(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in node:
                yield from _jsonld_objects(node[key])


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _from_jsonld(tree) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    for script in tree.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        try:
            doc = json.loads(script.text_content() or "")
        except ValueError:
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
        return ChosenDate(None, None, None, "no publication date found in the page or the feed")
    note = None if chosen.zone_known else "time zone not given; read as UTC"
    return ChosenDate(chosen.moment, chosen.source, chosen.precision, note)
