"""Crawl and pipeline settings: plain data with defaults, overridable by FORUMWATCH_* env vars."""

from __future__ import annotations

import math
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
    max_host_failures: int = 5  # pages of one host that got no usable answer in a row: the host's rest waits a run
    crawl_delay: float = 1.0  # seconds between two requests to one host (a source's crawl_delay overrides)
    max_crawl_delay: float = 30.0  # robots.txt's Crawl-delay raises the delay of its host up to this many seconds
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
    min_article_cjk_chars: int = 25  # ... unless it holds this many Chinese/Japanese/Korean characters
    warc_step_over: bool = True  # backfill --warc: step over other outlets' records unread (False: inflate all)
    # a run's time budget: past it no request starts (the rest is skipped, fetched next run); 0: no budget.
    # 20 h: a daily run must end before the next one starts, with 4 h left to extract and load what it fetched
    max_run_minutes: float = 1200.0


class SettingsError(ValueError):
    """A FORUMWATCH_* setting cannot be used; the message names it and says why, in one line."""


TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
# (lowest, highest) allowed per numeric field; fields not listed must be >= 0 and finite
LIMITS: dict[str, tuple[float, float]] = {
    "connect_timeout": (0.001, 3600),
    "read_timeout": (0.001, 3600),
    "total_timeout": (0.001, 86400),
    "crawl_delay": (0, 3600),
    "backoff_base": (0, 3600),
    "max_retry_after": (0, 86400),
    "max_bytes": (1, 2**40),
    "max_redirects": (0, 100),
    "max_robots_bytes": (1, 2**40),
    "max_feed_items": (1, 10**9),
    "retries": (0, 100),
    "max_host_failures": (1, 10**9),
    "per_host_concurrency": (1, 1024),
    "max_workers": (1, 4096),
    "batch_size": (1, 10**7),
    "extract_workers": (1, 1024),
    "story_window_days": (0, 36500),
    "dask_chunk": (1, 10**7),
    "max_page_chars": (1, 2**40),
    "min_article_words": (0, 10**7),
    "max_run_minutes": (0, 10**7),
}
CHOICES: dict[str, set[str]] = {"task_runner": {"threads", "thread", "threadpool", "dask"}}


def _coerce(value: str, like: object, name: str = "value") -> object:
    """The env var's text as the field's type; SettingsError naming the variable when it is not one."""
    text = value.strip()
    if isinstance(like, bool):
        if text.lower() not in TRUE | FALSE:
            raise SettingsError(f"{name}={value!r}: expected true or false")
        return text.lower() in TRUE
    if isinstance(like, int):
        try:
            return int(text)
        except ValueError:
            raise SettingsError(f"{name}={value!r}: expected a whole number") from None
    if isinstance(like, float):
        try:
            number = float(text)
        except ValueError:
            raise SettingsError(f"{name}={value!r}: expected a number") from None
        if math.isnan(number) or math.isinf(number):
            raise SettingsError(f"{name}={value!r}: expected a finite number")
        return number
    if isinstance(like, frozenset):
        return frozenset(v.strip() for v in value.split(",") if v.strip())
    return value


def validate(settings: object, prefix: str = "FORUMWATCH_") -> None:
    """Refuse impossible values (negative delays, zero workers, unknown runners) with one clear line."""
    for f in fields(settings):  # type: ignore[arg-type]
        value = getattr(settings, f.name)
        name = prefix + f.name.upper()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            low, high = LIMITS.get(f.name, (0, float("inf")))
            if not (low <= value <= high):
                raise SettingsError(f"{name}={value!r}: must be between {low:g} and {high:g}")
        if f.name in CHOICES and str(value).strip().lower() not in CHOICES[f.name]:
            raise SettingsError(f"{name}={value!r}: must be one of {', '.join(sorted(CHOICES[f.name]))}")


def from_env(settings: object, prefix: str = "FORUMWATCH_") -> object:
    """Return a copy of a settings dataclass with FORUMWATCH_<FIELD> env vars applied; SettingsError for a
    value that is not of the field's type or is out of its range."""
    changes = {}
    for f in fields(settings):  # type: ignore[arg-type]
        raw = os.environ.get(prefix + f.name.upper())
        if raw is not None:
            changes[f.name] = _coerce(raw, getattr(settings, f.name), prefix + f.name.upper())
    out = replace(settings, **changes)  # type: ignore[type-var]
    validate(out, prefix)
    return out


def check_environment() -> None:
    """Raise SettingsError if any FORUMWATCH_* setting is unusable (the CLI calls it before any work)."""
    fetch_settings()
    pipeline_settings()
    for name in ("FORUMWATCH_LOCK_WAIT", "FORUMWATCH_READER_WAIT", "FORUMWATCH_STALE_RUN_SECONDS"):
        raw = os.environ.get(name)
        if raw is None:
            continue
        number = _coerce(raw, 1.0, name)
        if not 0 <= number <= 10**7:  # type: ignore[operator]
            raise SettingsError(f"{name}={raw!r}: must be between 0 and 10000000 seconds")


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
