"""Read the --sources CSV into plain Source records."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REQUIRED_COLUMNS = ("name", "feed_url")


class SourcesError(ValueError):
    """The sources file cannot be used; the message says why and where."""


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


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "source"


def _optional(row: dict, key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value or None


def read_sources(path: str | Path) -> list[Source]:
    """Parse and validate a sources CSV (columns name,feed_url required; others optional)."""
    path = Path(path)
    if not path.is_file():
        raise SourcesError(f"sources file not found: {path}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise SourcesError(f"{path}: missing column(s) {', '.join(missing)}; found {columns or 'no header'}")
        sources: dict[str, Source] = {}
        for line_no, raw in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "") for k, v in raw.items()}
            name, feed_url = row["name"].strip(), row["feed_url"].strip()
            if not name and not feed_url:
                continue
            if not name or urlsplit(feed_url).scheme not in ("http", "https"):
                raise SourcesError(f"{path}:{line_no}: need a name and an http(s) feed_url, got {name!r}, {feed_url!r}")
            delay = _optional(row, "crawl_delay")
            try:
                crawl_delay = float(delay) if delay else None
            except ValueError:
                raise SourcesError(
                    f"{path}:{line_no}: crawl_delay must be a number of seconds, got {delay!r}"
                ) from None
            source_id = slugify(name)
            if source_id in sources and sources[source_id].feed_url != feed_url:
                source_id = f"{source_id}-{len(sources)}"
            sources[source_id] = Source(
                source_id=source_id,
                name=name,
                feed_url=feed_url,
                homepage=_optional(row, "homepage"),
                country=_optional(row, "country"),
                language=_optional(row, "language"),
                kind=_optional(row, "kind"),
                crawl_delay=crawl_delay,
                sitemap_url=_optional(row, "sitemap_url"),
            )
    if not sources:
        raise SourcesError(f"{path}: no sources listed")
    return list(sources.values())
