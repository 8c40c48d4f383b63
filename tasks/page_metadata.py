"""A page's title, author, site name and description, read as trafilatura reads them, and nothing else.

trafilatura's `extract_metadata` also guesses a date (htmldate), categories, tags and a licence for every page:
about 7 ms of a real page's ~18 ms of metadata. The pipeline keeps none of those but the date, and reads the
date from the markup, the feed and the text itself first, so its date falls back to htmldate only when those
found nothing (`fallback_day`). The steps below are `extract_metadata`'s own, in its order (trafilatura 2.x).
"""

from __future__ import annotations

from datetime import date

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

from forumwatch.tasks.author import page_author


def page_metadata(tree: HtmlElement, url: str | None) -> Document:
    """Title, author, URL, site name and description (trafilatura's extract_metadata without date, tags, licence);
    empty when a hostile page breaks the reading: the article keeps its text and the feed's title."""
    try:
        return _read_metadata(tree, url)
    except Exception:
        return Document()


def _read_metadata(tree: HtmlElement, url: str | None) -> Document:
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # trafilatura guards its JSON-LD reader the same way
        pass
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = page_author(tree)  # trafilatura's extract_author, without copying the page
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        found = META_URL.match(metadata.url)
        if found:
            metadata.sitename = found[1]
    metadata.clean_and_trim()
    return metadata


def fallback_day(tree: HtmlElement, url: str | None, max_day: date) -> date | None:
    """htmldate's guess of the page's day (extensive search, original date), as trafilatura would make it."""
    try:
        found = find_date(tree, url=url, extensive_search=True, original_date=True, max_date=max_day.isoformat())
        return date.fromisoformat(found[:10]) if found else None
    except Exception:  # a guess that fails on a hostile page is no guess; the page goes on
        return None
