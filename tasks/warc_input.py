"""Pages from WARC files (our raw archive or CC-NEWS) that belong to configured sources, as fetch results."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from forumwatch.tasks.charset import decode_html
from forumwatch.tasks.discover import FeedItem
from forumwatch.tasks.fetch import FetchResult
from forumwatch.tasks.sources import Source
from forumwatch.tasks.urls import canonical_url, host_of
from forumwatch.tasks.warc import ArchivedResponse, iter_responses

HTML_TYPES = {"text/html", "application/xhtml+xml"}
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class ArchivedPage:
    item: FeedItem  # no title or date: those come from extraction
    result: FetchResult  # kind 'warc', as if fetched now


def warc_files(paths: list[str]) -> list[Path]:
    """The given WARC files, directories expanded to the WARC files they hold (sorted)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"WARC input not found: {raw}")
    return files


class SourceMatcher:
    """Which source owns a URL: same host (or a subdomain, www ignored), longest homepage path wins."""

    def __init__(self, sources: list[Source]) -> None:
        self._by_host: dict[str, list[tuple[str, str]]] = {}
        for s in sources:
            path = urlsplit(s.homepage).path if s.homepage else "/"
            for url in (s.homepage, s.feed_url):
                if url and host_of(url):
                    self._by_host.setdefault(host_of(url).removeprefix("www."), []).append((path or "/", s.source_id))
        for options in self._by_host.values():
            options.sort(key=lambda o: -len(o[0]))

    def source_of(self, url: str) -> str | None:
        labels = host_of(url).removeprefix("www.").split(".")
        path = urlsplit(url).path or "/"
        for i in range(len(labels) - 1 if len(labels) > 1 else 1):
            for prefix, source_id in self._by_host.get(".".join(labels[i:]), []):
                if path.startswith(prefix):
                    return source_id
        return None


def _media(headers: dict[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return value.split(";", 1)[0].strip().lower() if value else None


def _when(record: ArchivedResponse) -> datetime:
    try:
        moment = datetime.fromisoformat(record.date.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC).replace(tzinfo=None)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _page(record: ArchivedResponse, source_id: str, path: Path) -> ArchivedPage:
    headers = record.headers
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    text, encoding = decode_html(record.body, content_type)
    url = canonical_url(record.url)
    result = FetchResult(
        url=url,
        source_id=source_id,
        kind="warc",
        final_url=record.url,
        status=record.status,
        error=None,
        fetched_at=_when(record),
        body=None,
        text=text,
        encoding=encoding,
        content_type=_media(headers),
        etag=None,
        last_modified=None,
        not_modified=False,
        n_bytes=len(record.body),
        elapsed_ms=0,
        attempts=0,
        content_sha1=hashlib.sha1(record.body).hexdigest(),
        warc_file=str(path),
    )
    return ArchivedPage(FeedItem(url, source_id, None, None, False), result)


def iter_pages(files: list[Path], sources: list[Source], own_archive: bool = False) -> Iterator[ArchivedPage]:
    """HTML 200 responses owned by a source. In our own archive only page fetches count, and the
    record's WARC-Source-Id names the source."""
    matcher = SourceMatcher(sources)
    known = {s.source_id for s in sources}
    for path in files:
        for record in iter_responses(path):
            if record.status != 200 or _media(record.headers) not in HTML_TYPES | {None}:
                continue
            kind = record.warc_headers.get("WARC-Fetch-Kind")
            if own_archive and kind not in (None, "page"):
                continue
            source_id = record.warc_headers.get("WARC-Source-Id")
            if source_id not in known:
                source_id = matcher.source_of(record.url)
            if source_id is not None and urlsplit(record.url).scheme in ("http", "https"):
                yield _page(record, source_id, path)


def read_pages(paths: list[str], sources: list[Source], own_archive: bool = False) -> list[ArchivedPage]:
    """One page per canonical URL (its latest response), in URL order."""
    latest: dict[str, ArchivedPage] = {}
    for page in iter_pages(warc_files(paths), sources, own_archive):
        old = latest.get(page.item.url)
        if old is None or page.result.fetched_at >= old.result.fetched_at:
            latest[page.item.url] = page
    return [latest[url] for url in sorted(latest)]
