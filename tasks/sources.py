"""Read the --sources CSV into plain Source records, with ids that never depend on row order or script."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from forumwatch.tasks.language import normalize_tag
from forumwatch.tasks.urls import canonical_url, canonical_url_keeping_path, redact_credentials

REQUIRED_COLUMNS = ("name", "feed_url")
MAX_CRAWL_DELAY = 3600.0  # seconds; more than an hour between requests is a typo, not politeness
MAX_ID_CHARS = 64
ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?")
MAX_FILE_BYTES = 10 * 1024 * 1024


class SourcesError(ValueError):
    """The sources file cannot be used; the message says why and where (a password in a URL it quotes as ***)."""

    def __init__(self, message: str) -> None:
        super().__init__(redact_credentials(message))


@dataclass(frozen=True)
class Source:
    source_id: str
    name: str
    feed_url: str
    homepage: str | None = None
    country: str | None = None
    language: str | None = None
    kind: str | None = None
    crawl_delay: float | None = None
    sitemap_url: str | None = None
    timezone: str | None = None  # IANA name: the outlet's local time, for dates given without a zone


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "source"


def feed_key(url: str, canonical: Callable[[str], str] = canonical_url) -> str:
    """The identity of a feed URL: host (no www., IDNA), port when not the default, path without a
    trailing slash, sorted query without tracking parameters; scheme and fragment do not count."""
    parts = urlsplit(canonical(url))
    netloc = parts.netloc.removeprefix("www.")
    return netloc + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def source_id_for(feed_url: str) -> str:
    """A readable id from the feed URL alone (host and path as a slug, e.g. `xinhuanet-com-english-rss`).
    When the slug cannot stand for the URL (non-ASCII characters dropped, or too long) a short hash of
    the URL's identity is appended, so two feeds never share an id."""
    key = feed_key(feed_url, canonical_url_keeping_path)  # ids made before paths were normalised stay
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "feed"
    lossy = not key.isascii() or len(slug) > MAX_ID_CHARS - 9
    if lossy:
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        slug = slug[: MAX_ID_CHARS - 9].rstrip("-") + "-" + digest
    return slug


def _optional(row: dict, key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value or None


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise SourcesError(
            f"{path}: {len(data)} bytes; a sources file over {MAX_FILE_BYTES} bytes is not a sources file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourcesError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 (e.g. iconv -f cp1251 -t utf-8, or -f gbk)"
        ) from None


def _crawl_delay(value: str | None, where: str) -> float | None:
    if not value:
        return None
    try:
        delay = float(value)
    except ValueError:
        raise SourcesError(f"{where}: crawl_delay must be a number of seconds, got {value!r}") from None
    if not math.isfinite(delay) or delay < 0 or delay > MAX_CRAWL_DELAY:
        raise SourcesError(f"{where}: crawl_delay must be between 0 and {MAX_CRAWL_DELAY:g} seconds, got {value!r}")
    return delay


def _timezone(value: str | None, where: str) -> str | None:
    if not value:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SourcesError(
            f"{where}: timezone must be an IANA zone name such as Asia/Shanghai or Europe/Moscow, got {value!r}"
        ) from None
    return value


def _language(value: str | None, where: str) -> str | None:
    """The source's language as ISO 639-1 ('zh-Hans' -> 'zh'); 'english' was silently no hint at all."""
    if not value:
        return None
    code = normalize_tag(value)
    if code is None:
        raise SourcesError(f"{where}: language must be an ISO 639-1 code such as en, zh or ru, got {value!r}")
    return code


def _http_url(value: str | None, column: str, where: str) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise SourcesError(f"{where}: {column} is not a URL: {value!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SourcesError(f"{where}: {column} must be an http(s) URL, got {value!r}")
    return value


def _explicit_id(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    if not ID_PATTERN.fullmatch(value):
        raise SourcesError(
            f"{where}: id must be 1-{MAX_ID_CHARS} lower-case ASCII letters, digits, '.', '_' or '-' "
            f"(starting and ending with a letter or digit), got {value!r}"
        )
    return value


def _duplicates(path: Path, rows: list[tuple[int, Source]]) -> list[str]:
    """One description per repeated id, name or feed URL, naming the lines."""
    problems = []
    for what, key in (
        ("id", lambda s: s.source_id),
        ("name", lambda s: unicodedata.normalize("NFC", s.name).casefold()),
        ("feed_url", lambda s: feed_key(s.feed_url)),
    ):
        lines: dict[str, list[int]] = defaultdict(list)
        for line_no, source in rows:
            lines[key(source)].append(line_no)
        for where in lines.values():
            if len(where) > 1:
                shown = next(s for n, s in rows if n == where[0])
                label = {"id": shown.source_id, "name": shown.name, "feed_url": shown.feed_url}[what]
                hint = " (ids come from the `id` column, else the feed URL: give these rows distinct ids)"
                problems.append(
                    f"{what} {label!r} on lines {', '.join(map(str, where))}" + (hint if what == "id" else "")
                )
    return problems


def _reader(path: Path, text: str) -> tuple[csv.DictReader, list[str]]:
    """A reader over the rows and the header's column names (case and spaces ignored). Columns are separated
    by commas; a file whose header only names the required columns when split by ';' or a tab (a spreadsheet's
    "CSV" in many locales) is read with that separator."""
    tried: list[tuple[csv.DictReader, list[str]]] = []
    for delimiter in (",", ";", "\t"):
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            columns = [(c or "").strip().lower() for c in (reader.fieldnames or [])]
        except csv.Error as exc:
            raise SourcesError(f"{path}: unreadable CSV header: {exc}") from None
        if all(c in columns for c in REQUIRED_COLUMNS):
            return reader, columns
        tried.append((reader, columns))
    return tried[0]  # the comma reading, for the error message


def read_sources(path: str | Path) -> list[Source]:
    """Parse and validate a sources CSV (columns name,feed_url required; others optional).

    A source's id is its `id` column, else derived from its feed URL: reordering rows or renaming
    an outlet never changes it. Repeated ids, names or feed URLs are one error listing the lines."""
    path = Path(path)
    if not path.is_file():
        raise SourcesError(f"sources file not found: {path}")
    text = _decode(path)
    if "\x00" in text:
        raise SourcesError(f"{path}: holds NUL bytes; not a CSV text file")
    reader, columns = _reader(path, text)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise SourcesError(f"{path}: missing column(s) {', '.join(missing)}; found {columns or 'no header'}")
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise SourcesError(f"{path}: column(s) {', '.join(repeated)} appear more than once in the header")
    rows: list[tuple[int, Source]] = []
    try:
        for raw in reader:
            line_no = reader.line_num
            where = f"{path}:{line_no}"
            row = {(k or "").strip().lower(): (v if isinstance(v, str) else "") for k, v in raw.items()}
            name, feed_url = row.get("name", "").strip(), row.get("feed_url", "").strip()
            if not name and not feed_url:
                continue
            if not name or not feed_url:
                raise SourcesError(f"{where}: need a name and an http(s) feed_url, got {name!r}, {feed_url!r}")
            try:
                _http_url(feed_url, "feed_url", where)
            except SourcesError:
                raise SourcesError(
                    f"{where}: need a name and an http(s) feed_url, got {name!r}, {feed_url!r}"
                ) from None
            rows.append(
                (
                    line_no,
                    Source(
                        source_id=_explicit_id(_optional(row, "id"), where) or source_id_for(feed_url),
                        name=name,
                        feed_url=feed_url,
                        homepage=_http_url(_optional(row, "homepage"), "homepage", where),
                        country=_optional(row, "country"),
                        language=_language(_optional(row, "language"), where),
                        kind=_optional(row, "kind"),
                        crawl_delay=_crawl_delay(_optional(row, "crawl_delay"), where),
                        sitemap_url=_http_url(_optional(row, "sitemap_url"), "sitemap_url", where),
                        timezone=_timezone(_optional(row, "timezone"), where),
                    ),
                )
            )
    except csv.Error as exc:
        raise SourcesError(f"{path}:{reader.line_num}: unreadable CSV: {exc}") from None
    if not rows:
        raise SourcesError(f"{path}: no sources listed")
    problems = _duplicates(path, rows)
    if problems:
        raise SourcesError(f"{path}: each source must appear once: repeated " + "; ".join(problems))
    return [source for _, source in rows]
