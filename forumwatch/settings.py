"""Crawl and pipeline settings: plain data with defaults, overridable by FORUMWATCH_* env vars."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from forumwatch import __version__

USER_AGENT = f"forumwatch/{__version__} (+https://github.com/forumwatch/forumwatch; news-coverage research crawler)"


@dataclass(frozen=True)
class FetchSettings:
    """Limits and manners of the HTTP client. Every number here is stated in the README."""

    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0  # seconds to open a connection
    read_timeout: float = 20.0  # seconds between two received bytes
    total_timeout: float = 60.0  # seconds for a whole response, however it drips
    max_bytes: int = 10 * 1024 * 1024  # decompressed body cap per response
    max_redirects: int = 5
    max_robots_bytes: int = 500 * 1024  # robots.txt beyond this is cut (as Google does)
    max_feed_items: int = 5000  # items read from one feed document (the rest are noted and ignored)
    retries: int = 3  # extra attempts on 429/5xx/connection errors
    backoff_base: float = 1.0  # seconds; doubled each retry unless Retry-After says otherwise
    max_retry_after: float = 120.0  # longest Retry-After we are willing to honour
    crawl_delay: float = 1.0  # seconds between two requests to one host (a source's crawl_delay overrides)
    per_host_concurrency: int = 1  # parallel requests to one host
    max_workers: int = 16  # parallel requests overall
    respect_robots: bool = True
    allow_private_hosts: frozenset[str] = field(default_factory=frozenset)  # hosts exempt from the private-address rule


@dataclass(frozen=True)
class PipelineSettings:
    """How the flow splits and schedules work."""

    batch_size: int = 200  # pages per fetch/extract/load batch
    extract_workers: int = max(1, os.cpu_count() or 1)  # processes for trafilatura
    story_window_days: int = 7  # copies of one story must be published within this many days
    link_window_hours: int = 48  # stories in two languages first published further apart are not linked
    task_runner: str = "threads"  # where extraction runs: threads (+ local process pool) | dask
    dask_address: str = ""  # scheduler of a running Dask cluster (tcp://host:8786); empty: a temporary LocalCluster
    dask_chunk: int = 50  # pages per extraction task on Dask
    max_page_chars: int = 5_000_000  # decoded characters of a page handed to the HTML parser (the rest is cut)
    min_article_words: int = 10  # extracted text shorter than this is not an article (navigation, stubs)


def _coerce(value: str, like: object) -> object:
    if isinstance(like, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    if isinstance(like, frozenset):
        return frozenset(v.strip() for v in value.split(",") if v.strip())
    return value


def from_env(settings: object, prefix: str = "FORUMWATCH_") -> object:
    """Return a copy of a settings dataclass with FORUMWATCH_<FIELD> env vars applied."""
    changes = {}
    for f in fields(settings):  # type: ignore[arg-type]
        raw = os.environ.get(prefix + f.name.upper())
        if raw is not None:
            changes[f.name] = _coerce(raw, getattr(settings, f.name))
    return replace(settings, **changes)  # type: ignore[type-var]


def fetch_settings() -> FetchSettings:
    return from_env(FetchSettings())  # type: ignore[return-value]


def pipeline_settings() -> PipelineSettings:
    return from_env(PipelineSettings())  # type: ignore[return-value]


def default_db_path() -> Path:
    return Path(os.environ.get("FORUMWATCH_DB", "data/forumwatch.duckdb"))


def raw_dir_for(db_path: str | Path) -> Path:
    """The raw WARC archive lives beside the database file; for md:/ducklake: connection strings, in data/raw/."""
    from forumwatch.db import is_local_path

    if not is_local_path(str(db_path)):
        return Path("data/raw")
    return Path(db_path).resolve().parent / "raw"
