"""Load batches into DuckDB: bulk inserts from DataFrames, one transaction per batch."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime

import duckdb
import pyarrow as pa

from forumwatch.db import arrow_columns, arrow_rows, registered
from forumwatch.lake import statement
from forumwatch.resources import sql_text
from forumwatch.tasks.discover import FeedItem
from forumwatch.tasks.sources import Source, feed_key
from forumwatch.tasks.urls import redact_credentials

ARTICLE_COLUMNS = [
    "article_id",
    "url",
    "source_id",
    "title",
    "published_at",
    "published_at_source",
    "published_at_precision",
    "date_note",
    "text",
    "author",
    "sitename",
    "language",
    "language_source",
    "description",
    "word_count",
    "content_sha1",
    "wire_agency",
    "dateline_place",
    "dateline_date",
    "cited_media",
    "fetched_at",
    "run_id",
    "link_url",
    "canonical_note",
]
FETCH_COLUMNS = [
    "fetch_id",
    "run_id",
    "url",
    "final_url",
    "source_id",
    "kind",
    "fetched_at",
    "status",
    "error",
    "note",
    "bytes",
    "content_type",
    "encoding",
    "etag",
    "last_modified",
    "content_sha1",
    "elapsed_ms",
    "attempts",
    "warc_file",
]


def fetch_id(run_id: str, kind: str, url: str) -> str:
    return hashlib.sha1(f"{run_id}|{kind}|{url}".encode()).hexdigest()[:20]


def _execute_with(con: duckdb.DuckDBPyConnection, relative: str, frame: pa.Table, name: str = "batch") -> None:
    with registered(con, name, frame):
        con.execute(statement(con, relative))


SOURCE_COLUMNS = [
    "source_id",
    "name",
    "feed_url",
    "homepage",
    "country",
    "language",
    "kind",
    "crawl_delay",
    "sitemap_url",
    "timezone",
    "updated_at",
]


def source_renames(stored: list[tuple[str, str]], sources: Iterable[Source]) -> dict[str, str]:
    """old id -> new id for stored sources (id, feed_url) whose feed is now configured under another id.
    An old id that is itself configured again is left alone (its rows are that source's)."""
    sources = list(sources)
    wanted = {s.source_id for s in sources}
    by_feed = {feed_key(s.feed_url): s.source_id for s in sources}
    renames = {}
    for old_id, feed_url in stored:
        try:
            new_id = by_feed.get(feed_key(feed_url)) if feed_url else None
        except ValueError:  # a stored URL today's rules cannot read: leave its rows where they are
            continue
        if new_id and new_id != old_id and old_id not in wanted:
            renames[old_id] = new_id
    return renames


def _shown_urls(source: Source) -> dict[str, str | None]:
    """The source's URLs as stored: a password in them (basic auth for the fetch) shown as ***."""
    urls = {"feed_url": source.feed_url, "homepage": source.homepage, "sitemap_url": source.sitemap_url}
    return {key: url and redact_credentials(url) for key, url in urls.items()}


def upsert_sources(con: duckdb.DuckDBPyConnection, sources: Iterable[Source], now: datetime) -> dict[str, str]:
    """Insert or refresh the configured sources; rows stored under an older id of the same feed (ids
    used to be slugs of names) move to the current id first. Returns those renames."""
    sources = list(sources)
    stored = con.execute("SELECT source_id, feed_url FROM sources").fetchall()
    renames = source_renames(stored, sources)
    if renames:
        frame = arrow_columns(old_id=list(renames), new_id=list(renames.values()))
        _execute_with(con, "load/rename_sources.sql", frame, name="renames")
    rows = [{**asdict(s), **_shown_urls(s), "updated_at": now} for s in sources]
    _execute_with(con, "load/upsert_sources.sql", arrow_rows(rows, SOURCE_COLUMNS))
    return renames


def insert_fetches(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    if rows:
        _execute_with(con, "load/insert_fetches.sql", arrow_rows(rows, FETCH_COLUMNS))


def upsert_feed_items(con: duckdb.DuckDBPyConnection, items: list[FeedItem], seen_at: datetime) -> None:
    if not items:
        return
    rows = [{**asdict(i), "seen_at": seen_at} for i in items]
    columns = ["url", "source_id", "title", "published_at", "published_has_time", "seen_at"]
    _execute_with(con, "load/upsert_feed_items.sql", arrow_rows(rows, columns))


def upsert_articles(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Refresh the stored articles among rows and insert the others (article_ids unique in rows). Two
    plain statements: INSERT ... ON CONFLICT costs DuckDB far more, at insert and at checkpoint."""
    if rows:
        rows = [{**r, "cited_media": list(r.get("cited_media") or [])} for r in rows]
        known = existing_articles(con, [r["article_id"] for r in rows])
        stored = [r for r in rows if r["article_id"] in known]
        new = [r for r in rows if r["article_id"] not in known]
        if stored:
            _execute_with(con, "load/update_articles.sql", arrow_rows(stored, ARTICLE_COLUMNS))
        if new:
            _execute_with(con, "load/insert_articles.sql", arrow_rows(new, ARTICLE_COLUMNS))


def retire_articles(con: duckdb.DuckDBPyConnection, retired: dict[str, str]) -> None:
    """Remove stored articles (old id -> the id that replaces them) whose pages now name another canonical
    URL; the replacing rows are already stored. The caller regroups stories (assign_stories) after it."""
    if retired:
        frame = arrow_columns(old_id=list(retired), new_id=list(retired.values()))
        _execute_with(con, "load/retire_articles.sql", frame, name="retired")


def last_fetches(
    con: duckdb.DuckDBPyConnection, urls: list[str]
) -> dict[str, tuple[str | None, str | None, str | None]]:
    """url -> (etag, last_modified, content_sha1) of its latest good response."""
    if not urls:
        return {}
    with registered(con, "urls", arrow_columns(url=urls)):
        rows = con.execute(sql_text("load/last_fetches.sql")).fetchall()
    return {url: (etag, modified, sha) for url, etag, modified, sha in rows}


def _by_id(con: duckdb.DuckDBPyConnection, article_ids: list[str], columns: str) -> list[tuple]:
    """(article_id, *columns) of the stored articles among these ids."""
    if not article_ids:
        return []
    with registered(con, "ids", arrow_columns(article_id=article_ids)):
        return con.execute(
            f"SELECT article_id, {columns} FROM articles WHERE article_id IN (SELECT article_id FROM ids)"
        ).fetchall()


def stored_texts(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """article_id -> (text, link_url) for the ids already loaded."""
    return {aid: (text or "", link) for aid, text, link in _by_id(con, article_ids, "text, link_url")}


def existing_articles(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, str | None]:
    """article_id -> content_sha1 for the ids already loaded."""
    return dict(_by_id(con, article_ids, "content_sha1"))


def pending_items(con: duckdb.DuckDBPyConnection, source_ids: list[str], since: datetime) -> list[FeedItem]:
    with registered(con, "wanted_sources", arrow_columns(source_id=source_ids)):
        rows = con.execute(sql_text("load/pending_items.sql"), {"since": since}).fetchall()
    return [FeedItem(url, sid, title, published, bool(has_time)) for url, sid, title, published, has_time in rows]


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime, parameters: dict) -> None:
    """Open the run's row, with this process as its owner (host, pid) and a first heartbeat."""
    from forumwatch.tasks.runs import this_process

    me = this_process()
    con.execute(
        statement(con, "load/start_run.sql"),
        {
            "run_id": run_id,
            "flow": flow,
            "started_at": started_at,
            "parameters": json.dumps(parameters, default=str, sort_keys=True),
            "host": me.host,
            "pid": me.pid,
            "pid_started": me.started,
        },
    )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, finished_at: datetime, status: str, counts: dict, message: str
) -> None:
    keys = [
        "n_sources",
        "n_sources_failed",
        "n_feed_items",
        "n_fetched",
        "n_new",
        "n_updated",
        "n_unchanged",
        "n_failed",
        "n_skipped",
    ]
    params = {k: int(counts.get(k, 0)) for k in keys}
    con.execute(
        sql_text("load/finish_run.sql"),
        {
            **params,
            "run_id": run_id,
            "finished_at": finished_at,
            "status": status,
            "message": message,
        },
    )
