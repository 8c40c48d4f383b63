"""Keep the full-text search indexes (DuckDB FTS, one per ISO week of publication) in step with the articles."""

from __future__ import annotations

import itertools
import re
import threading
import time
import zlib
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from forumwatch.db import arrow_columns, registered, scalar
from forumwatch.resources import sql_text
from forumwatch.tasks.extensions import ExtensionMissing, load_extension

__all__ = [
    "ExtensionMissing",
    "IndexRefresh",
    "index_exists",
    "make_terms_ahead",
    "prepare_search",
    "refresh_search",
    "shard_table",
]

SHARD_PREFIX = "mv_search_"
_SHARD = re.compile(r"\d{4}w\d{2}|undated")
OCCURRENCES = (
    "    SELECT d.name AS article_id, dict.term, d.len FROM fts_main_{table}.dict dict"
    " JOIN fts_main_{table}.terms t USING (termid) JOIN fts_main_{table}.docs d USING (docid)"
    " WHERE dict.term IN (SELECT term FROM q_terms)"
)
CORPUS = "    SELECT num_docs, avgdl FROM fts_main_{table}.stats"
NO_OCCURRENCES = "    SELECT NULL::VARCHAR AS article_id, NULL::VARCHAR AS term, NULL::BIGINT AS len WHERE false"
NO_CORPUS = "    SELECT NULL::BIGINT AS num_docs, NULL::DOUBLE AS avgdl WHERE false"


@dataclass
class IndexRefresh:
    removed: int  # documents dropped (article gone or changed)
    added: int  # documents made (new or changed articles)
    rebuilt: list[str]  # shards (ISO weeks) whose FTS index was rebuilt, or appended to
    seconds: float
    appended: list[str] = field(default_factory=list)  # those of them that only gained documents: appended to


def shard_table(shard: str) -> str:
    """The table of one shard's terms; shard names come from SQL (changes.sql) and are checked here."""
    if not _SHARD.fullmatch(shard):
        raise ValueError(f"not a search shard: {shard!r}")
    return SHARD_PREFIX + shard


def prepare_search(con: duckdb.DuckDBPyConnection) -> None:
    """Load fts (from its wheel) and (re)create the term macros."""
    load_extension(con, "fts")
    con.execute(sql_text("search/macros.sql"))


def index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether search_stories was ever created in this database."""
    return bool(con.execute("SELECT 1 FROM duckdb_functions() WHERE function_name = 'search_stories'").fetchall())


def _shards(con: duckdb.DuckDBPyConnection) -> list[str]:
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND starts_with(table_name, ?) "
        "AND table_name <> 'mv_search_docs' ORDER BY table_name",
        [SHARD_PREFIX],
    ).fetchall()
    return [t[len(SHARD_PREFIX) :] for (t,) in tables if _SHARD.fullmatch(t[len(SHARD_PREFIX) :])]


def _indexed(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("SELECT 1 FROM duckdb_schemas() WHERE schema_name = ?", ["fts_main_" + table]).fetchall())


def _rebuild(con: duckdb.DuckDBPyConnection, shard: str) -> None:
    table = shard_table(shard)
    if scalar(con, f"SELECT count(*) FROM {table}") == 0:
        con.execute(f"DROP SCHEMA IF EXISTS fts_main_{table} CASCADE")  # what PRAGMA drop_fts_index does
        con.execute(f"DROP TABLE {table}")
        return
    con.execute(sql_text("search/fts_build.sql").format(table=table))


def _append(con: duckdb.DuckDBPyConnection, shard: str) -> None:
    """Add the shard's new documents (search_changes) to its index, which lost none."""
    con.execute(sql_text("search/fts_append.sql").format(table=shard_table(shard), shard=shard))


def create_search_macro(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create search_stories over the weeks' indexes that exist now."""
    tables = [shard_table(s) for s in _shards(con)]
    union = "\n    UNION ALL\n".join
    macro = sql_text("search/stories.sql")
    macro = macro.replace("{occurrences}", union(OCCURRENCES.format(table=t) for t in tables) or NO_OCCURRENCES)
    con.execute(macro.replace("{corpus}", union(CORPUS.format(table=t) for t in tables) or NO_CORPUS))


# Search terms made beside the extraction (make_terms_ahead), by the sha256 of their document: the run's end
# looks them up instead of making them again (shard_add.sql). Keyed by content, so never stale; emptied by
# refresh_search, and bounded in size: past the bound they are kept zlib-compressed (about 2.5 times smaller,
# 0.1 ms a page to compress where making them again at the end costs 0.9), then the oldest go first.
KNOWN_TERMS: dict[str, str | bytes] = {}
KNOWN_TERMS_SIZE = 24_000_000  # characters, or bytes once compressed: tens of MB, about 10,000 pages compressed
_KNOWN_LOCK = threading.Lock()  # load batches may run in several threads
_terms_db: list[duckdb.DuckDBPyConnection] = []  # the in-memory DuckDB that makes them, opened once a process
WORD_TERMS = "SELECT array_to_string(fw_word_terms(word), ' ') AS terms FROM fw_search_words ORDER BY pos"
# fw_word_terms's terms (joined by spaces) by word, kept across load batches: they depend on the word alone, and a
# batch's words are mostly words earlier batches had (2,000 bench pages: 60,000 distinct words a batch summed, 7,200
# new). Bounded: past WORD_TERMS_MAX words the oldest go first, and words longer than WORD_KEPT_CHARS are not kept
# (a hostile page's one-word blobs must not fill memory).
KNOWN_WORD_TERMS: dict[str, str | None] = {}
WORD_TERMS_MAX = 100_000
WORD_KEPT_CHARS = 64


def _terms_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB of one thread with the term macros (call with _KNOWN_LOCK held)."""
    if not _terms_db:
        mem = duckdb.connect()
        mem.execute("SET threads = 1")
        prepare_search(mem)
        _terms_db.append(mem)
    return _terms_db[0]


def make_terms_ahead(documents: list[tuple[str | None, str | None]]) -> int:
    """Make the search terms of these (title, text) documents now (a load batch's, while the extraction workers
    run), for refresh_search at the run's end; returns how many."""
    if not documents:
        return 0
    titles, texts = zip(*documents, strict=True)
    with _KNOWN_LOCK:
        mem = _terms_connection()
        with registered(mem, "fw_search_batch", arrow_columns(title=list(titles), text=list(texts))):
            batch = mem.execute(sql_text("search/batch_terms.sql")).to_arrow_table()
        made = dict(zip(batch["key"].to_pylist(), _joined_terms(mem, batch["words"].combine_chunks()).to_pylist()))
        KNOWN_TERMS.update(made)
        _fit_known_terms()
    return len(made)


def _fit_known_terms() -> None:
    """Keep KNOWN_TERMS within KNOWN_TERMS_SIZE: compress the terms, then drop the oldest (with _KNOWN_LOCK held)."""
    total = sum(map(len, KNOWN_TERMS.values()))
    if total > KNOWN_TERMS_SIZE:
        for key, terms in KNOWN_TERMS.items():
            if isinstance(terms, str):
                KNOWN_TERMS[key] = zlib.compress(terms.encode(), 1)
        total = sum(map(len, KNOWN_TERMS.values()))
    while total > KNOWN_TERMS_SIZE and KNOWN_TERMS:
        total -= len(KNOWN_TERMS.pop(next(iter(KNOWN_TERMS))))


def _joined_terms(mem: duckdb.DuckDBPyConnection, words: pa.ListArray) -> pa.Array:
    """Each list of words as fw_search_terms's terms joined by spaces: fw_word_terms made once per word not in
    KNOWN_WORD_TERMS (the same terms: they depend on the word alone), then put in the words' places."""
    coded = pc.dictionary_encode(words.values)  # with words.offsets: where each list starts, also in a slice
    distinct = coded.dictionary.to_pylist()
    new = [word for word in distinct if word not in KNOWN_WORD_TERMS]
    if new:
        fresh = arrow_columns(pos=pa.array(range(len(new)), pa.int64()), word=pa.array(new, pa.string()))
        with registered(mem, "fw_search_words", fresh):
            made = dict(zip(new, mem.execute(WORD_TERMS).to_arrow_table()["terms"].to_pylist(), strict=True))
        KNOWN_WORD_TERMS.update((word, t) for word, t in made.items() if len(word) <= WORD_KEPT_CHARS)
    else:
        made = {}
    terms = pa.array([made[word] if word in made else KNOWN_WORD_TERMS[word] for word in distinct], pa.string())
    excess = len(KNOWN_WORD_TERMS) - WORD_TERMS_MAX
    for word in list(itertools.islice(KNOWN_WORD_TERMS, max(excess, 0))):
        del KNOWN_WORD_TERMS[word]
    return pc.binary_join(pa.ListArray.from_arrays(words.offsets, terms.take(coded.indices)), " ")


def _take_known_terms() -> pa.Table:
    """KNOWN_TERMS as a table (key, terms) for shard_add.sql, emptying it."""
    with _KNOWN_LOCK:
        items = list(KNOWN_TERMS.items())
        KNOWN_TERMS.clear()
    # decompressed a few hundred at a time into Arrow: never every page's terms as Python strings at once
    chunks = [
        pa.array([t if isinstance(t, str) else zlib.decompress(t).decode() for _, t in items[i : i + 256]], pa.string())
        for i in range(0, len(items), 256)
    ]
    return arrow_columns(key=[k for k, _ in items], terms=pa.chunked_array(chunks, pa.string()))


def refresh_search(con: duckdb.DuckDBPyConnection, force: bool = False) -> IndexRefresh:
    """Remake the terms of new, changed and removed articles and bring the FTS index of each ISO week they
    touch up to date: a week that only gained documents gets them appended (fts_append.sql), one that lost any
    is rebuilt (fts_build.sql reads every document of its week), as is every week with `force`. A run that
    loaded nothing costs one comparison pass over the articles. (Re)creates search_stories over the weeks."""
    started = time.perf_counter()
    prepare_search(con)
    con.execute(sql_text("search/changes.sql"))
    changes = con.execute("SELECT shard, change, count(*) FROM search_changes GROUP BY ALL").fetchall()
    for shard in sorted({s for s, change, _ in changes if change == "removed"}):
        table = shard_table(shard)
        if shard in _shards(con):
            con.execute(
                f"DELETE FROM {table} WHERE article_id IN "
                "(SELECT article_id FROM search_changes WHERE change = 'removed' AND shard = ?)",
                [shard],
            )
    con.execute(sql_text("search/docs_apply.sql"))
    with registered(con, "fw_known_terms", _take_known_terms()):
        for shard in sorted({s for s, change, _ in changes if change == "added"}):
            table = shard_table(shard)
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} (article_id VARCHAR PRIMARY KEY, terms VARCHAR)")
            con.execute(sql_text("search/shard_add.sql").format(table=table), {"shard": shard})
    existing = _shards(con)
    unindexed = {s for s in existing if not _indexed(con, shard_table(s))}
    stale = {s for s, _, _ in changes} | unindexed
    rebuilt = sorted(set(existing) if force else stale & set(existing))
    lost = {s for s, change, _ in changes if change == "removed"}
    appended = [] if force else [s for s in rebuilt if s not in lost | unindexed]
    for shard in rebuilt:
        (_append if shard in appended else _rebuild)(con, shard)
    create_search_macro(con)
    counts = {change: sum(n for _, c, n in changes if c == change) for change in ("removed", "added")}
    seconds = round(time.perf_counter() - started, 3)
    return IndexRefresh(counts["removed"], counts["added"], rebuilt, seconds, appended)
