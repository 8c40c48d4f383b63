"""Extract title, text and metadata from article pages (trafilatura), in worker processes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import html as lxml_html
from trafilatura import bare_extraction

from forumwatch.tasks.dates import DateCandidate, choose_date, page_date_candidates, sane_published_at
from forumwatch.tasks.urls import article_id

BOILERPLATE_LINE = re.compile(
    r"^\s*(also read|read also|read more|also see|see also|related( stories| news)?|previous (story|article|post)|"
    r"next (story|article|post)|advertisement|sponsored|click here|follow us|subscribe (to|now)|"
    r"share this|you may also like|must read|don'?t miss|latest from|trending)\b",
    re.IGNORECASE,
)
MAX_BOILERPLATE_LINE = 220
MAX_TREE_CHARS = 5_000_000  # pages above this many characters are cut before parsing
MIN_ARTICLE_WORDS = 10  # fewer words than this is navigation or a stub, not an article
# C0 and C1 control characters other than tab, newline and carriage return: never text, and a single one
# makes lxml or trafilatura lose the whole body.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """The text without control characters (tab, newline and carriage return stay)."""
    return CONTROL_CHARS.sub("", text) if CONTROL_CHARS.search(text) else text


@dataclass(frozen=True)
class PageInput:
    url: str  # canonical
    source_id: str | None
    html: str
    fetched_at: datetime  # UTC
    feed_published_at: datetime | None = None  # UTC
    feed_has_time: bool = False
    feed_title: str | None = None
    default_language: str | None = None
    max_chars: int = MAX_TREE_CHARS  # PipelineSettings.max_page_chars
    min_words: int = MIN_ARTICLE_WORDS  # PipelineSettings.min_article_words


@dataclass
class Extracted:
    article_id: str
    url: str
    source_id: str | None
    fetched_at: datetime
    title: str | None = None
    text: str | None = None
    author: str | None = None
    sitename: str | None = None
    language: str | None = None
    description: str | None = None
    published_at: datetime | None = None
    published_at_source: str | None = None
    published_at_precision: str | None = None
    date_note: str | None = None
    word_count: int = 0
    content_sha1: str | None = None
    error: str | None = None  # why nothing usable came out of the page
    extras: dict = field(default_factory=dict)  # later stages (attribution, tags) add columns here


def clean_text(text: str) -> str:
    """Drop 'ALSO READ', previous/next and similar navigation lines that sit inside article bodies."""
    kept = [
        line
        for line in strip_controls(text).splitlines()
        if not (len(line) <= MAX_BOILERPLATE_LINE and BOILERPLATE_LINE.match(line))
    ]
    return "\n".join(line.strip() for line in kept if line.strip())


def _page_language(tree) -> str | None:
    lang = tree.get("lang") or tree.get("xml:lang")
    if not lang:
        metas = tree.xpath('//meta[@http-equiv="content-language" or @property="og:locale"]/@content')
        lang = metas[0] if metas else None
    return lang.replace("_", "-").split("-")[0].lower()[:8] if lang else None


def _trafilatura_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def guard_date(out: Extracted) -> Extracted:
    """Pass published_at through sane_published_at: a time outside 1990 .. fetch + 1 day is dropped, with a note."""
    moment, note = sane_published_at(out.published_at, out.fetched_at)
    if note:
        out.published_at, out.published_at_source, out.published_at_precision = None, None, None
        out.date_note = "; ".join(n for n in (out.date_note, note) if n)
    return out


def extract_page(page: PageInput) -> Extracted:
    """Extract one page; never raises (problems land in .error)."""
    out = Extracted(article_id(page.url), page.url, page.source_id, page.fetched_at, title=page.feed_title)
    try:
        tree = lxml_html.fromstring(strip_controls(page.html[: page.max_chars]))
    except (ValueError, TypeError, lxml_html.etree.ParserError) as exc:
        out.error = f"unparseable HTML: {exc}"
        return out
    try:
        candidates = page_date_candidates(tree)
        out.language = _page_language(tree) or page.default_language
        doc = bare_extraction(
            tree,
            url=page.url,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,
            date_extraction_params={
                "extensive_search": True,
                "original_date": True,
                "max_date": page.fetched_at.date().isoformat(),
            },
        )
    except Exception as exc:  # a page must never stop its batch
        out.error = f"extraction failed: {type(exc).__name__}: {exc}"
        return out
    feed_date = None
    if page.feed_published_at:
        feed_date = DateCandidate(page.feed_published_at, "feed", "minute" if page.feed_has_time else "day", True)
    chosen = choose_date(candidates, feed_date, _trafilatura_day(getattr(doc, "date", None)), page.fetched_at)
    out.published_at, out.published_at_source = chosen.published_at, chosen.source
    out.published_at_precision, out.date_note = chosen.precision, chosen.note
    guard_date(out)
    if doc is None or not (doc.text or "").strip():
        out.error = "no article text found"
        return out
    text = clean_text(doc.text)
    if len(text.split()) < page.min_words:
        out.error = f"no article text found (only {len(text.split())} words)"
        return out
    out.title = strip_controls(doc.title or page.feed_title or "").strip() or None
    out.text = text
    out.author, out.sitename, out.description = doc.author, doc.sitename, doc.description
    out.word_count = len(out.text.split())
    out.content_sha1 = hashlib.sha1(out.text.encode("utf-8")).hexdigest()
    return out
