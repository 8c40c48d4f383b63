"""The article's own publication time from page markup, with its source and precision."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser
from dateparser.data.languages_info import language_order
from dateutil import parser as dateutil_parser
from lxml import html as lxml_html

from forumwatch.tasks.charset import strip_xml_declaration

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
    source: str  # jsonld | meta | time | feed | text | trafilatura (+source_tz when read in the source's zone)
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
            moment = dateutil_parser.parse(raw, fuzzy=False)
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


_LD_TYPE = str.maketrans("LDJSON", "ldjson")  # the case-blind part of the JSON-LD type test


@dataclass
class _Markup:
    """The page's elements that carry dates, each kind in document order."""

    scripts: list  # <script> whose type holds ld+json (L, D, J, S, O, N in either case)
    metas: list  # <meta content>
    times: list  # <time datetime>


def _markup(tree) -> _Markup:
    """One walk of the page (lxml skips it when the page has none of the three names) instead of one XPath walk
    for each test: //script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")], //meta[@content] and
    //time[@datetime] (the document's, as `//` reads them from any element)."""
    found = _Markup([], [], [])
    for element in tree.getroottree().iter("script", "meta", "time"):
        if element.tag == "script":
            if "ld+json" in (element.get("type") or "").translate(_LD_TYPE):
                found.scripts.append(element)
        elif element.tag == "meta":
            if element.get("content") is not None:
                found.metas.append(element)
        elif element.get("datetime") is not None:
            found.times.append(element)
    return found


def _from_jsonld(scripts: list) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    for script in scripts:
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


def _from_meta(metas: list) -> list[DateCandidate]:
    by_key: dict[str, str] = {}
    for meta in metas:
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


def _ranked_times(times: list) -> list:
    """<time datetime> marked as the publication time, then those inside an article element, then those whose or
    whose parent's class names a date (an element may come more than once)."""
    marked = [
        t
        for t in times
        if t.get("itemprop") == "datePublished" or t.get("pubdate") is not None or t.get("data-published") is not None
    ]
    in_article = [t for t in times if next(t.iterancestors("article"), None) is not None]
    classed = [
        t
        for t in times
        if TIME_CLASS.search(
            t.get("class", "") + " " + (t.getparent().get("class", "") if t.getparent() is not None else "")
        )
    ]
    return marked + in_article + classed


def _from_time_elements(times: list) -> list[DateCandidate]:
    """The first <time datetime> of _ranked_times that holds a date."""
    for element in _ranked_times(times):
        candidate = parse_stamp(element.get("datetime", ""), "time")
        if candidate:
            return [candidate]
    return []


def page_date_candidates(page) -> list[DateCandidate]:
    """Date candidates from structured markup (HTML text or a parsed tree), best first: JSON-LD, meta, <time>."""
    try:
        tree = lxml_html.fromstring(strip_xml_declaration(page)) if isinstance(page, str) else page
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return []
    markup = _markup(tree)
    return _from_jsonld(markup.scripts) + _from_meta(markup.metas) + _from_time_elements(markup.times)


# Dates written in page text, any script: 2023年10月31日 13:42 | 2023-10-31 13:42:05 | 2023년 10월 31일 |
# 31.10.2023 13:42 | 31 октября 2023, 13:42 | 31 жовтня 2023 р. | October 31, 2023. Found here, read by dateparser.
_CLOCK = r"(?:\s*(?:,|T|в|о|um|at|à|alle)?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:UTC|GMT|MSK|CST|[+-]\d{2}:?\d{2}))?)?"
_YEAR = r"(?:19|20)\d{2}"
_LEADING_CLOCK = r"(?:\d{1,2}:\d{2}\s*,?\s*)?"  # ria.ru and others: "13:42 31.10.2023"
TEXT_DATE = re.compile(
    rf"(?<![\d:]){_LEADING_CLOCK}(?:{_YEAR}\s*[-/.年년]\s*\d{{1,2}}\s*[-/.月월]\s*\d{{1,2}}\s*[日일]?"
    rf"|\d{{1,2}}[./]\d{{1,2}}[./]{_YEAR}"
    rf"|\d{{1,2}}\s+[^\W\d_]{{3,12}}\.?,?\s+{_YEAR}(?:\s*(?:г\.|года|р\.|року))?"
    rf"|[^\W\d_]{{3,12}}\.?\s+\d{{1,2}},?\s+{_YEAR})(?!\d){_CLOCK}"
)
_DATE_HINT = re.compile(r"time|date|data|pub|info|source|byline|posted|meta|author", re.I)
_TITLE_HINT = re.compile(r"title", re.I)
_NOT_IN = frozenset({"nav", "footer", "aside", "script", "style"})
MAX_HINTED = 40  # date-marked elements looked at
MAX_HINTED_CHILDREN = 8  # a date line is a small element, not a page section that happens to be called "info"
MAX_ATTEMPTS = 6  # strings handed to dateparser per page
TEXT_HEAD_CHARS = 400  # of the extracted body, where a date line opens Chinese and Russian articles


def _dateparser_languages(lang: str | None) -> list[str]:
    return [lang] if lang and lang in language_order else ["en"]


def read_text_date(raw: str, lang: str | None, source: str = "text") -> DateCandidate | None:
    """Parse one short date string found in page text with dateparser, in the page's language."""
    if not raw or len(raw) > 80:
        return None
    bare = re.sub(r"^\s*\d{1,2}:\d{2}\s*,?\s*", "", raw)
    order = "YMD" if re.match(r"(?:19|20)\d{2}", bare) else ("DMY" if re.match(r"\d{1,2}\.\d", bare) else None)
    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"]}
    if order:
        settings["DATE_ORDER"] = order
    try:
        moment = dateparser.parse(raw, languages=_dateparser_languages(lang), settings=settings)
    except Exception:  # a page's text must never stop extraction
        return None
    if not isinstance(moment, datetime):
        return None
    zone_known = moment.tzinfo is not None
    moment = utc_naive(moment)
    if moment is None:
        return None
    with_time = bool(HAS_CLOCK.search(raw))
    return DateCandidate(moment, source, "minute" if with_time else "day", zone_known or not with_time)


@dataclass
class _Marked:
    order: dict  # element -> document position
    dated: list  # date-marked small elements outside navigation and footers, in page order
    titled: list  # title-marked elements


def _marked_elements(tree) -> _Marked:
    """One pass over the tree: positions, date-marked and title-marked elements (class or id)."""
    marked = _Marked({}, [], [])
    for index, element in enumerate(tree.iter()):
        marked.order[element] = index
        if not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        if len(marks) < 4:
            continue
        if len(marked.dated) < MAX_HINTED and len(element) <= MAX_HINTED_CHILDREN and _DATE_HINT.search(marks):
            if not any(a.tag in _NOT_IN for a in element.iterancestors()):
                marked.dated.append(element)
        if _TITLE_HINT.search(marks):
            marked.titled.append(element)
    return marked


def _headline(tree, marked: _Marked) -> int | None:
    """Document position of the headline: the first non-empty <h1>, else a 'title'-marked element that the
    <title> contains. Site furniture showing today's date (the crawl day) usually sits before it."""
    for h1 in tree.iter("h1"):
        if (h1.text_content() or "").strip():
            return marked.order.get(h1)
    page_title = " ".join((tree.findtext(".//title") or "").split())
    if not page_title:
        return None
    for element in marked.titled:
        text = " ".join((element.text_content() or "").split())
        if 4 <= len(text) <= len(page_title) and text in page_title:
            return marked.order.get(element)
    return None


def _date_text(element) -> str:
    """The element's text; its parent's when the element holds only a time ('<span>13:42</span> 31.10.2023')."""
    text = " ".join((element.text_content() or "").split())
    parent = element.getparent()
    if not TEXT_DATE.search(text) and HAS_CLOCK.search(text) and parent is not None:
        if len(parent) <= MAX_HINTED_CHILDREN:
            text = " ".join((parent.text_content() or "").split())
    return text


def hinted_date_strings(tree) -> list[str]:
    """Date-like strings in date-marked elements (class/id time, date, pub, info, source...), nearest the
    headline first (after it before before it)."""
    if tree is None:
        return []
    try:
        marked = _marked_elements(tree)
        anchor = _headline(tree, marked) if marked.dated else None
    except Exception:  # a hostile tree must not stop extraction
        return []
    ranked: list[tuple[int, int, str]] = []
    for element in marked.dated:
        try:
            content = _date_text(element)
        except ValueError:
            continue
        if not 0 < len(content) <= 200:
            continue
        position = marked.order.get(element, 0)
        distance = (
            position if anchor is None else (position - anchor if position >= anchor else 3 * (anchor - position))
        )
        ranked.extend((distance, position, m.group(0)) for m in TEXT_DATE.finditer(content))
    return [text for _, _, text in sorted(ranked)]


def text_date_candidates(hinted: list[str], text: str | None, lang: str | None) -> list[DateCandidate]:
    """Dates written in date-marked elements, then at the top of the body text, read in the page's language;
    date-and-time first. Only short matched strings reach dateparser, at most MAX_ATTEMPTS of them."""
    strings = list(hinted) + [m.group(0) for m in TEXT_DATE.finditer((text or "")[:TEXT_HEAD_CHARS])]
    found: list[DateCandidate] = []
    seen: set[str] = set()
    for raw in strings:
        raw = raw.strip(" ,")
        if raw in seen:
            continue
        seen.add(raw)
        if len(seen) > MAX_ATTEMPTS:
            break
        candidate = read_text_date(raw, lang)
        if candidate:
            found.append(candidate)
            if candidate.precision == "minute":  # the best-placed date with a time: no need to read further
                break
    return sorted(found, key=lambda c: c.precision != "minute")


def in_source_zone(candidate: DateCandidate, timezone: str | None) -> DateCandidate:
    """A wall-clock time given without a zone, read in the source's IANA zone and turned to UTC."""
    if candidate.zone_known or candidate.precision == "day" or not timezone:
        return candidate
    try:
        zone = ZoneInfo(timezone)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return candidate
    moment = utc_naive(candidate.moment.replace(tzinfo=zone))
    if moment is None:
        return candidate
    return replace(candidate, moment=moment, source=f"{candidate.source}+source_tz", zone_known=True)


def plausible(candidate: DateCandidate | None, fetched_at: datetime) -> bool:
    return candidate is not None and EARLIEST <= candidate.moment <= fetched_at + timedelta(days=1)


@dataclass(frozen=True)
class ChosenDate:
    published_at: datetime | None
    source: str | None
    precision: str | None
    note: str | None


def choose_date(
    page: list[DateCandidate],
    feed: DateCandidate | None,
    fallback_day: date | None,
    fetched_at: datetime,
    text: list[DateCandidate] | None = None,
    timezone: str | None = None,
) -> ChosenDate:
    """Pick the most trustworthy, most precise date; never the fetch time.

    Order: an exact page date (JSON-LD, meta, <time>); the feed's date unless a day-only page date
    contradicts it; a date and time written in the page text (on the markup's day, if it gives one); a
    day-only page date; a day written in the text; last, trafilatura's heuristic day (it guesses from
    text). Times without a zone are read in the source's time zone when it is known.
    """
    ignored = [c for c in [*page, feed] if c is not None and not plausible(c, fetched_at)]
    page = [c for c in (in_source_zone(c, timezone) for c in page) if plausible(c, fetched_at)]
    written = [c for c in (in_source_zone(c, timezone) for c in text or []) if plausible(c, fetched_at)]
    feed = feed if plausible(feed, fetched_at) else None
    exact = next((c for c in page if c.precision == "minute"), None)
    page_day = next((c for c in page if c.precision == "day"), None)
    text_exact = next(
        (c for c in written if c.precision == "minute" and (not page_day or _same_day(c, page_day, timezone))),
        None,
    )
    text_day = next((c for c in written if c.precision == "day"), None)
    if feed and page_day and abs((feed.moment.date() - page_day.moment.date()).days) > 1:
        feed = None
    guessed = None
    if fallback_day:
        guessed = DateCandidate(datetime.combine(fallback_day, datetime.min.time()), "trafilatura", "day", True)
        guessed = guessed if plausible(guessed, fetched_at) else None
    if feed and feed.precision == "day" and page_day:
        feed = None
    chosen = exact or feed or text_exact or page_day or text_day or guessed
    if chosen is None:
        if ignored:
            shown = ", ".join(f"{c.moment.isoformat()} ({c.source})" for c in ignored[:3])
            return ChosenDate(None, None, None, f"no plausible publication date: ignored {shown}")
        return ChosenDate(None, None, None, "no publication date found in the page or the feed")
    note = None if chosen.zone_known else "time zone not given; read as UTC"
    return ChosenDate(chosen.moment, chosen.source, chosen.precision, note)


def _same_day(exact: DateCandidate, day: DateCandidate, timezone: str | None) -> bool:
    """Whether a UTC moment falls on a calendar day, in the source's zone when known (a day is local)."""
    moment = exact.moment
    if timezone:
        try:
            moment = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
        except (ValueError, KeyError, OSError):
            pass
    return abs((moment.date() - day.moment.date()).days) <= 0
