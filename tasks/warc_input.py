"""Pages from WARC files (our raw archive or CC-NEWS) that belong to configured sources, as fetch results."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from forumwatch.tasks.charset import decode_html
from forumwatch.tasks.dates import FLOOR, parse_iso
from forumwatch.tasks.discover import FeedItem
from forumwatch.tasks.fetch import FetchResult
from forumwatch.tasks.sources import Source
from forumwatch.tasks.urls import canonical_url, host_of
from forumwatch.tasks.warc import SIGNATURE_HEADER, ArchivedResponse, iter_responses, signed_by
from forumwatch.tasks.warc_scan import Head, NotOnePerMember, ScanStats, is_gzip, one_stream, scan

log = logging.getLogger(__name__)

HTML_TYPES = {"text/html", "application/xhtml+xml"}
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class ArchivedPage:
    item: FeedItem  # no title or date: those come from extraction
    result: FetchResult  # kind 'warc', as if fetched now
    trusted: bool = False  # signed by this database's archive: our own fetch, its source id is ours


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


def _port_class(url: str) -> int | None:
    """A non-default port, or None for the scheme's default (http and https pages of one outlet match)."""
    try:
        port = urlsplit(url).port
    except ValueError:
        return -1
    return None if port in (None, 80, 443) else port


class SourceMatcher:
    """Which source owns a URL: same host (or a subdomain, www ignored) and port, longest homepage path wins."""

    def __init__(self, sources: list[Source]) -> None:
        self._by_host: dict[tuple[str, int | None], list[tuple[str, str]]] = {}
        for s in sources:
            path = urlsplit(s.homepage).path if s.homepage else "/"
            for url in (s.homepage, s.feed_url, s.sitemap_url):
                if url and host_of(url):
                    key = (host_of(url).removeprefix("www."), _port_class(url))
                    self._by_host.setdefault(key, []).append((path or "/", s.source_id))
        for options in self._by_host.values():
            options.sort(key=lambda o: -len(o[0]))

    def source_of(self, url: str) -> str | None:
        labels = host_of(url).removeprefix("www.").split(".")
        if not labels[0] and len(labels) == 1:
            return None
        port = _port_class(url)
        path = urlsplit(url).path or "/"
        for i in range(len(labels) - 1 if len(labels) > 1 else 1):
            for prefix, source_id in self._by_host.get((".".join(labels[i:]), port), []):
                if path.startswith(prefix):
                    return source_id
        return None


def _media(headers: dict[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return value.split(";", 1)[0].strip().lower() if value else None


def _when(record: ArchivedResponse) -> datetime:
    """The record's WARC-Date as naive UTC; now when it is missing, unreadable or outside 1990 .. now
    (a record cannot have been fetched in the future, and a forged date must not widen the date guard)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    moment, _ = parse_iso(record.date)
    if moment is None or not FLOOR <= moment <= now:
        return now
    return moment


def _page(record: ArchivedResponse, source_id: str, path: Path, trusted: bool) -> ArchivedPage:
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
    return ArchivedPage(FeedItem(url, source_id, None, None, False), result, trusted)


def _accept(
    record: ArchivedResponse, path: Path, matcher: SourceMatcher, known: set[str], key: bytes | None, vouched: bool
) -> ArchivedPage | None:
    """The page a record gives, or None. The private headers (WARC-Source-Id, WARC-Fetch-Kind) count only
    under a valid signature of this database's archive key; any other record is placed by its URL's
    host alone, and a URL on no configured source's host is skipped."""
    if record.status != 200 or _media(record.headers) not in HTML_TYPES | {None}:
        return None
    if urlsplit(record.url).scheme not in ("http", "https"):
        return None
    trusted = vouched or signed_by(record, key)
    source_id = None
    if trusted:
        if record.warc_headers.get("WARC-Fetch-Kind") not in (None, "page"):
            return None
        claimed = record.warc_headers.get("WARC-Source-Id")
        source_id = claimed if claimed in known else None
    source_id = source_id or matcher.source_of(record.url)
    if source_id is None:
        return None
    return _page(record, source_id, path, trusted)


def iter_pages(
    files: list[Path], sources: list[Source], key: bytes | None = None, vouched: bool = False
) -> Iterator[ArchivedPage]:
    """HTML 200 responses owned by a source (see _accept); a record that cannot be read is skipped with
    a warning, never an exception. `vouched`: the operator vouches for every record (an archive written
    before records were signed): all count as our own."""
    matcher = SourceMatcher(sources)
    known = {s.source_id for s in sources}
    for path in files:
        for record in iter_responses(path):
            try:
                page = _accept(record, path, matcher, known, key, vouched)
            except Exception as exc:  # one hostile record must not stop the read
                log.warning("%s: record %.200r skipped: %s: %s", path, record.url, type(exc).__name__, exc)
                continue
            if page is not None:
                yield page


def read_pages(
    paths: list[str], sources: list[Source], key: bytes | None = None, vouched: bool = False
) -> list[ArchivedPage]:
    """One page per canonical URL (its latest response; a signed copy over an unsigned one of the same
    time), in URL order. `key` is the archive key of the database's own raw folder (warc.archive_key)."""
    latest: dict[str, ArchivedPage] = {}
    for page in iter_pages(warc_files(paths), sources, key, vouched):
        old = latest.get(page.item.url)
        if old is None or (page.result.fetched_at, page.trusted) >= (old.result.fetched_at, old.trusted):
            latest[page.item.url] = page
    return [latest[url] for url in sorted(latest)]


def _wanted(matcher: SourceMatcher, known: set[str], vouched: bool) -> Callable[[Head], bool]:
    """Whether a record, judged by its WARC header alone, may give a page: a response on a source's host,
    or one claiming a configured source under a signature (checked once the record is read)."""

    def wanted(head: Head) -> bool:
        if head.rec_type != "response":
            return False
        try:
            if matcher.source_of(head.uri) is not None:
                return True
        except ValueError:  # a URI urlsplit refuses
            return False
        claimed = head.warc_headers.get("WARC-Source-Id")
        return claimed in known and (vouched or SIGNATURE_HEADER in head.warc_headers)

    return wanted


def _pages_of(
    path: Path,
    records: Iterator[tuple[int, ArchivedResponse | None]],
    accept: Callable[[ArchivedResponse], ArchivedPage | None],
    stats: ScanStats,
) -> Iterator[ArchivedPage]:
    """The pages `accept` makes of (offset, record) pairs; a torn or hostile record becomes a problem."""
    for offset, record in records:
        if record is None:
            stats.problems.append((str(path), offset, "torn record (short block or payload digest mismatch)"))
            continue
        try:
            page = accept(record)
        except Exception as exc:  # one hostile record must not stop the read
            stats.problems.append((str(path), offset, f"record {record.url[:200]!r}: {type(exc).__name__}: {exc}"))
            continue
        if page is not None:
            yield page


def scan_pages(
    files: list[Path],
    sources: list[Source],
    stats: ScanStats,
    key: bytes | None = None,
    vouched: bool = False,
    step_over: bool = True,
) -> Iterator[ArchivedPage]:
    """Like iter_pages, but records of other outlets are stepped over unread (tasks/warc_scan.py) and
    damaged records go to `stats.problems` (file, offset, message). Pages come in file order, not one
    per URL: the caller keeps the latest."""
    matcher = SourceMatcher(sources)
    known = {s.source_id for s in sources}
    wanted = _wanted(matcher, known, vouched)
    for path in files:
        accept = lambda record, path=path: _accept(record, path, matcher, known, key, vouched)  # noqa: E731
        try:
            gzipped = is_gzip(path)
        except OSError as exc:
            stats.problems.append((str(path), 0, f"cannot read: {exc}"))
            continue
        if not gzipped:
            yield from _pages_of(path, ((-1, r) for r in iter_responses(path)), accept, stats)
            continue
        try:
            yield from _pages_of(path, ((h.offset, r) for h, r in scan(path, wanted, stats, step_over)), accept, stats)
        except NotOnePerMember:  # several records in one gzip member: inflated as one stream
            log.info("%s: not one gzip member per record: read as one stream", path)
            yield from _pages_of(path, ((-1, r) for r in one_stream(path, stats)), accept, stats)
