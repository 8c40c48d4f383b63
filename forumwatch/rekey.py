"""Schema version 4: rows stored under a URL whose path was not in normal form move to the normal URL's ids."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from forumwatch.identity import UNNORMAL_PATH_PATTERN, key_of, normal_path, story_id_for
from forumwatch.resources import sql_text

log = logging.getLogger("forumwatch.db")
URL_PARTS = re.compile(r"([^/?#]*//[^/?#]*)([^?#]*)(.*)", re.DOTALL)  # before the path, the path, the rest


@dataclass
class Rekeyed:
    articles: int  # rows whose url (and id) changed
    dropped: int  # rows folded into another spelling's row of the same page
    links: int  # link_url values changed
    stories: int  # stories whose id changed with their representative's
    urls: int  # frontier and page-fetch URLs changed


def normal_url(url: str) -> str:
    """A stored canonical URL with its path in normal form; equal to canonical_url of what it was made from."""
    parts = URL_PARTS.fullmatch(url)
    if parts is None:
        return url
    return parts[1] + normal_path(parts[2]) + parts[3]


def _changed(urls: list[str | None]) -> dict[str, str]:
    return {u: n for u in set(urls) if u and (n := normal_url(u)) != u}


def _strings(rows: Sequence[tuple[str, ...]], *columns: str) -> pa.Table:
    """Rows of strings as an Arrow table with these column names (typed even when empty)."""
    return pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)})


def _run(con: duckdb.DuckDBPyConnection, relative: str, **tables: pa.Table) -> None:
    for name, table in tables.items():
        con.register(name, table)
    try:
        con.execute(sql_text(relative))
    finally:
        for name in tables:
            con.unregister(name)


def _story_moves(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "SELECT story_id, representative_id FROM stories "
        "WHERE representative_id IN (SELECT new_id FROM fw_kept WHERE old_id <> new_id)"
    ).fetchall()
    return {story: story_id_for(rep) for story, rep in rows if story_id_for(rep) != story}


def rekey_paths(con: duckdb.DuckDBPyConnection) -> Rekeyed:
    """Re-key every stored article id and article URL to the normal form of its path, in one transaction:
    articles (id, url, link_url) and what refers to them (tags, fingerprints, stories and their evidence,
    feed_items, page fetches). One SQL pass per table finds nothing in a file that needs nothing."""
    con.begin()
    try:
        done = _rekey(con)
    except BaseException:
        con.rollback()
        raise
    con.commit()
    if done != Rekeyed(0, 0, 0, 0, 0):
        log.warning("forumwatch: URL paths in normal form (schema version 4): %s", done)
    return done


def _rekey(con: duckdb.DuckDBPyConnection) -> Rekeyed:
    pattern = {"pattern": UNNORMAL_PATH_PATTERN}
    candidates = con.execute(sql_text("load/migrate_v4_candidates.sql"), pattern).fetchall()
    urls = _changed([r[0] for r in con.execute(sql_text("load/migrate_v4_urls.sql"), pattern).fetchall()])
    moved = _changed([url for _, url, _ in candidates])
    links = _changed([link for _, _, link in candidates])
    moves = [(aid, key_of(moved[url]), moved[url]) for aid, url, _ in candidates if url in moved]
    link_rows = [(aid, links[link]) for aid, _, link in candidates if link in links]
    if not (moves or link_rows or urls):
        return Rekeyed(0, 0, 0, 0, 0)
    moves_table = _strings(moves, "old_id", "new_id", "new_url")
    _run(
        con, "load/migrate_v4_claims.sql", fw_moves=moves_table, fw_links=_strings(link_rows, "article_id", "link_url")
    )
    dropped = len(con.execute("SELECT 1 FROM retired").fetchall())
    con.execute(sql_text("load/retire_articles.sql"))
    con.execute("DROP TABLE retired")
    _run(con, "load/migrate_v4_rekey.sql", fw_moves=moves_table)
    stories = _story_moves(con)
    _run(con, "load/migrate_v4_stories.sql", fw_story_moves=_strings(list(stories.items()), "old_story", "new_story"))
    _run(con, "load/migrate_v4_frontier.sql", fw_urls=_strings(list(urls.items()), "url", "new_url"))
    return Rekeyed(len(moves), dropped, len(link_rows), len(stories), len(urls))
