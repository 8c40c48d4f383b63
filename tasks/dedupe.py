"""Group syndicated copies of one story: MinHash signatures, LSH banding, containment check, components.

Signatures are one-permutation MinHash (one 64-bit hash per word shingle, split into NUM_PERM bins,
min per bin, empty bins filled by rotation), computed for a whole batch with numpy and stored in
`article_signatures` in datasketch's LeanMinHash layout. Candidates come from LSH banding
(BANDS x ROWS) over every stored signature within +-window_days; a pair is a copy when the smaller
text is mostly contained in the larger one. Stories are the connected components of that graph,
so they depend only on the set of articles, never on the order they arrived in.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from multiprocessing import get_context

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from forumwatch.db import registered
from forumwatch.resources import sql_text
from tasks.normalize import normalize_title, normalized_words

log = logging.getLogger(__name__)

NUM_PERM = 128
BANDS, ROWS = 42, 3  # P(candidate) = 1 - (1 - J**3)**42: 0.94 at J=0.4, 0.996 at J=0.5, 0.005 at J=0.05
SHINGLE = 5  # words per shingle
MIN_WORDS = 20  # fewer normalised words than this is no usable text: a singleton story
CONTAINMENT = 0.70  # |A & B| / min(|A|, |B|) needed to call two texts copies
MIN_JACCARD = 0.15  # and |A & B| / |A | B|: a digest holding a whole story is not a copy of it
SEED = 1  # stored in the LeanMinHash header
_BIN_SHIFT = np.uint64(64 - int(np.log2(NUM_PERM)))
_LOW32 = np.uint64(0xFFFFFFFF)
_HEADER = struct.pack("<qi", SEED, NUM_PERM)
CHUNK = 4000  # documents fingerprinted together (bounds numpy memory)
BATCH = 20_000  # articles read from DuckDB at a time
PARALLEL_MIN = 20_000  # from this many articles, fingerprint in `workers` processes
_DOC_BITS = 20  # chunk documents are packed in the top bits when counting distinct shingles


@dataclass(frozen=True)
class Signatures:
    hashvalues: np.ndarray  # (n, NUM_PERM) uint32; undefined where n_shingles == 0
    n_shingles: np.ndarray  # (n,) distinct shingles; 0 = no usable text


@dataclass(frozen=True)
class Thresholds:
    containment: float = CONTAINMENT
    jaccard: float = MIN_JACCARD


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised (uint64 arithmetic wraps)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(30))
        h = h * np.uint64(0xBF58476D1CE4E5B9)
        h = h ^ (h >> np.uint64(27))
        h = h * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


def _chunk_signatures(words: list[list[str]]) -> Signatures:
    n = len(words)
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=n)
    usable = lengths >= MIN_WORDS
    sig = np.zeros((n, NUM_PERM), dtype=np.uint32)
    counts = np.zeros(n, dtype=np.int64)
    if not usable.any():
        return Signatures(sig, counts)
    tokens: list[str] = []
    for w, ok in zip(words, usable):
        if ok:
            tokens.extend(w)
    tok = pd.util.hash_array(np.array(tokens, dtype=object))  # siphash, fixed key: stable across runs
    doc_len = lengths[usable]
    doc = np.repeat(np.flatnonzero(usable), doc_len)
    starts = np.repeat(np.cumsum(doc_len) - doc_len, doc_len)
    last = len(tok) - SHINGLE + 1
    valid = ((np.arange(len(tok)) - starts) <= np.repeat(doc_len - SHINGLE, doc_len))[:last]
    h = tok[:last].copy()
    with np.errstate(over="ignore"):
        for j in range(1, SHINGLE):
            h = h * np.uint64(0x100000001B3) + tok[j : j + last]
    h, doc = _mix(h[valid]), doc[:last][valid]
    # distinct shingles per document: sort (document, hash) packed into one uint64
    shift = np.uint64(64 - _DOC_BITS)
    packed = np.sort((doc.astype(np.uint64) << shift) | (h >> np.uint64(_DOC_BITS)))
    first = np.ones(len(packed), dtype=bool)
    first[1:] = packed[1:] != packed[:-1]
    counts = np.bincount((packed[first] >> shift).astype(np.int64), minlength=n)
    flat = doc * NUM_PERM + (h >> _BIN_SHIFT).astype(np.int64)
    mins = np.full(n * NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    np.minimum.at(mins, flat, (h & _LOW32).astype(np.uint32))
    filled = np.zeros(n * NUM_PERM, dtype=bool)
    filled[flat] = True
    return Signatures(_densify(mins.reshape(n, NUM_PERM), filled.reshape(n, NUM_PERM)), counts)


def _densify(mins: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """Fill each empty bin from the next filled bin to its right (circular), offset by the distance."""
    cols = np.arange(2 * NUM_PERM)
    index = np.where(np.hstack([filled, filled]), cols, 2 * NUM_PERM)
    nearest = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1][:, :NUM_PERM]
    nearest = np.minimum(nearest, 2 * NUM_PERM - 1)  # rows with no filled bin (unused)
    distance = (nearest - cols[:NUM_PERM]).astype(np.uint32)
    source = np.take_along_axis(mins, nearest % NUM_PERM, axis=1)
    with np.errstate(over="ignore"):
        return source + distance * np.uint32(0x9E3779B1)


def signatures(texts: Iterable[str | None], chunk: int = CHUNK) -> Signatures:
    """MinHash signatures of raw article texts (normalised here), in batches to bound memory."""
    assert chunk < 2**_DOC_BITS
    parts: list[Signatures] = []
    batch: list[list[str]] = []
    for text in texts:
        batch.append(normalized_words(text if isinstance(text, str) else ""))
        if len(batch) == chunk:
            parts.append(_chunk_signatures(batch))
            batch = []
    if batch or not parts:
        parts.append(_chunk_signatures(batch))
    return Signatures(np.vstack([p.hashvalues for p in parts]), np.concatenate([p.n_shingles for p in parts]))


def encode(hashvalues: np.ndarray) -> list[bytes]:
    """Rows as datasketch LeanMinHash.serialize(buf, '<') blobs (legacy layout: seed, count, uint32s)."""
    body = hashvalues.astype("<u4")
    return [_HEADER + row.tobytes() for row in body]


def decode(blobs: list[bytes]) -> np.ndarray:
    """The inverse of encode, for many blobs at once."""
    if not blobs:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    raw = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), -1)
    return raw[:, len(_HEADER) :].copy().view("<u4").astype(np.uint32)


def pair_scores(sig: np.ndarray, size: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Estimated Jaccard and containment (of the smaller text in the larger) for index pairs."""
    jac = np.empty(len(i))
    for lo in range(0, len(i), 200_000):
        hi = lo + 200_000
        jac[lo:hi] = (sig[i[lo:hi]] == sig[j[lo:hi]]).mean(axis=1)
    ni, nj = size[i].astype(float), size[j].astype(float)
    inter = jac * (ni + nj) / (1.0 + jac)
    return jac, np.minimum(inter / np.maximum(np.minimum(ni, nj), 1.0), 1.0)


def candidate_pairs(
    con: duckdb.DuckDBPyConnection, sig: np.ndarray, seconds: np.ndarray, usable: np.ndarray, window_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """LSH banding: pairs sharing one band, published within the window (DuckDB does the join)."""
    rows = np.flatnonzero(usable)
    bands = sig[rows, : BANDS * ROWS].astype(np.uint64).reshape(len(rows), BANDS, ROWS)
    keys = bands[:, :, 0]
    for r in range(1, ROWS):
        keys = _mix(keys) ^ bands[:, :, r]
    frame = pd.DataFrame(
        {
            "i": np.repeat(rows.astype(np.int32), BANDS),
            "band": np.tile(np.arange(BANDS, dtype=np.int16), len(rows)),
            "key": keys.ravel(),
            "t": np.repeat(seconds[rows], BANDS),
        }
    )
    with registered(con, "fw_bands", frame):
        pairs = con.execute(sql_text("stories_candidates.sql"), {"window_seconds": window_days * 86400}).fetchnumpy()
    return pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)


def group(
    con: duckdb.DuckDBPyConnection,
    sig: np.ndarray,
    size: np.ndarray,
    published: pd.Series,
    window_days: int = 7,
    thresholds: Thresholds = Thresholds(),
) -> np.ndarray:
    """Component label per row: rows are one story when linked by a chain of verified copy pairs."""
    n = len(size)
    usable = (size > 0) & published.notna().to_numpy()  # no text or no date: a singleton story
    i, j = candidate_pairs(con, sig, _epoch(published), usable, window_days)
    jac, contained = pair_scores(sig, size, i, j)
    keep = (contained >= thresholds.containment) & (jac >= thresholds.jaccard)
    graph = coo_matrix((np.ones(int(keep.sum()), dtype=np.int8), (i[keep], j[keep])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _epoch(published: pd.Series) -> np.ndarray:
    values = pd.to_datetime(published)
    return np.where(values.notna(), values.astype("datetime64[s]").astype("int64"), 0).astype(np.int64)


def story_id_for(representative_id: str) -> str:
    """Story ids derive from the representative (earliest member), hence from membership alone."""
    return "st_" + hashlib.sha1(representative_id.encode("utf-8")).hexdigest()[:16]


def _load_pool(con: duckdb.DuckDBPyConnection, article_ids: list[str], window_days: int) -> pd.DataFrame:
    return con.execute(sql_text("stories_pool.sql"), {"ids": article_ids, "window_days": window_days}).df()


def _store_signatures(con: duckdb.DuckDBPyConnection, article_ids: list[str], workers: int = 1) -> int:
    """Compute and upsert signatures for the given articles, a batch at a time; returns rows changed."""
    workers = min(workers, os.cpu_count() or 1) if len(article_ids) >= PARALLEL_MIN else 1
    pool = ProcessPoolExecutor(workers, mp_context=get_context("forkserver")) if workers > 1 else None
    changed = 0
    try:
        for lo in range(0, len(article_ids), BATCH):
            changed += _store_batch(con, article_ids[lo : lo + BATCH], pool)
    finally:
        if pool:
            pool.shutdown()
    return changed


def _store_batch(con: duckdb.DuckDBPyConnection, article_ids: list[str], pool: ProcessPoolExecutor | None) -> int:
    rows = con.execute(sql_text("stories_batch.sql"), {"ids": article_ids}).df()
    if rows.empty:
        return 0
    texts = rows.pop("text").tolist()
    if pool:
        parts = list(pool.map(signatures, [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]))
        sigs = Signatures(np.vstack([p.hashvalues for p in parts]), np.concatenate([p.n_shingles for p in parts]))
    else:
        sigs = signatures(texts)
    del texts
    blobs = encode(sigs.hashvalues)
    rows["new_n"] = sigs.n_shingles
    rows["new_sig"] = [b if n > 0 else None for b, n in zip(blobs, sigs.n_shingles)]
    changed = (
        rows["sig_published_at"].ne(rows["published_at"]) & ~(rows["sig_published_at"].isna() & rows["published_at"].isna())
        | rows["n_shingles"].ne(rows["new_n"])
        | (rows["signature"].map(_bytes) != rows["new_sig"].map(_bytes))
        | rows["has_sig"].eq(False)
    )
    upsert = rows.loc[changed, ["article_id", "published_at", "new_n", "new_sig"]]
    if not upsert.empty:
        with registered(con, "fw_signatures", upsert):
            con.execute(sql_text("stories_signatures_upsert.sql"))
    return len(upsert)


def _bytes(value) -> bytes | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else bytes(value)


def _desired(pool: pd.DataFrame, labels: np.ndarray, sig: np.ndarray, size: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-article story columns and per-story rows for the grouped pool."""
    pool = pool.assign(label=labels, row=np.arange(len(pool)))
    ordered = pool.sort_values(["label", "published_at", "article_id"], na_position="last", kind="mergesort")
    rep = ordered.groupby("label", sort=False).head(1).set_index("label")
    rep_row = rep.loc[pool["label"], "row"].to_numpy()
    rows = pool["row"].to_numpy()
    _, contained = pair_scores(sig, size, rows, rep_row)
    similarity = np.where(size > 0, np.round(contained, 4), np.nan)
    similarity[rows == rep_row] = np.where(size[rows == rep_row] > 0, 1.0, np.nan)
    rep_titles = rep.loc[pool["label"], "title"].map(normalize_title).to_numpy()
    articles = pd.DataFrame(
        {
            "article_id": pool["article_id"],
            "story_id": [story_id_for(a) for a in rep.loc[pool["label"], "article_id"]],
            "story_similarity": similarity,
            "headline_changed": pool["title"].map(normalize_title).to_numpy() != rep_titles,
        }
    )
    members = pool.assign(story_id=articles["story_id"].to_numpy())
    wires = (
        members.dropna(subset=["wire_agency"])
        .groupby(["story_id", "wire_agency"])
        .size()
        .reset_index(name="n")
        .sort_values(["story_id", "n", "wire_agency"], ascending=[True, False, True])
        .drop_duplicates("story_id")
        .set_index("story_id")["wire_agency"]
    )
    grouped = members.groupby("story_id")
    stories = pd.DataFrame(
        {
            "first_published_at": grouped["published_at"].min(),
            "last_published_at": grouped["published_at"].max(),
            "n_articles": grouped.size().astype("int32"),
            "n_outlets": grouped["source_id"].nunique().astype("int32"),
        }
    )
    rep = rep.assign(story_id=[story_id_for(a) for a in rep["article_id"]]).set_index("story_id")
    stories["headline"] = rep["title"]
    stories["wire_agency"] = wires.reindex(stories.index)
    stories["first_outlet"] = rep["source_id"]
    stories["representative_id"] = rep["article_id"]
    return articles, stories.reset_index()


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 2)
        self._last = now


STORY_COLUMNS = [
    "story_id",
    "headline",
    "wire_agency",
    "first_published_at",
    "last_published_at",
    "first_outlet",
    "representative_id",
    "n_articles",
    "n_outlets",
]


def _differs(new: pd.DataFrame, old: pd.DataFrame, key: str, columns: list[str]) -> pd.DataFrame:
    """Rows of `new` that are absent from `old` or differ in any of `columns` (NULL == NULL)."""
    merged = new.merge(old, on=key, how="left", suffixes=("", "_old"), indicator=True)
    changed = merged["_merge"].eq("left_only")
    for column in columns:
        a, b = merged[column], merged[column + "_old"]
        changed |= ~((a == b) | (a.isna() & b.isna()))
    return new.loc[changed.to_numpy()]


def assign_stories(
    con: duckdb.DuckDBPyConnection, article_ids: list[str], window_days: int = 7, workers: int = 1
) -> dict:
    """Fingerprint the given articles and regroup every story they touch, inside the caller's transaction.

    workers > 1 fingerprints big batches (>= PARALLEL_MIN articles) in that many forkserver processes;
    the calling program's __main__ must then be import-safe (guarded by `if __name__ == "__main__"`).
    """
    article_ids = sorted(set(article_ids))
    if not article_ids:
        return {"articles": 0, "signatures_changed": 0, "pool": 0, "articles_changed": 0, "stories_touched": 0}
    clock = _Clock()
    n_sigs = _store_signatures(con, article_ids, workers)
    clock.lap("fingerprint")
    pool = _load_pool(con, article_ids, window_days)
    size = pool["n_shingles"].fillna(0).to_numpy(dtype=np.int64)
    sig = np.zeros((len(pool), NUM_PERM), dtype=np.uint32)
    has = size > 0
    sig[has] = decode([bytes(b) for b in pool.pop("signature")[has]])
    clock.lap("load pool")
    labels = group(con, sig, size, pool["published_at"], window_days)
    clock.lap("lsh+verify")
    articles, stories = _desired(pool, labels, sig, size)

    current = pool[["article_id", "story_id", "story_similarity", "headline_changed"]]
    article_updates = _differs(articles, current, "article_id", ["story_id", "story_similarity", "headline_changed"])
    old_ids = sorted(set(pool["story_id"].dropna()))
    old_stories = con.execute(sql_text("stories_current.sql"), {"ids": old_ids + stories["story_id"].tolist()}).df()
    story_updates = _differs(stories[STORY_COLUMNS], old_stories[STORY_COLUMNS], "story_id", STORY_COLUMNS[1:])
    stale = sorted(set(old_ids) - set(stories["story_id"]))

    if stale:
        con.execute("DELETE FROM stories WHERE story_id = ANY($ids)", {"ids": stale})
    if not story_updates.empty:
        with registered(con, "fw_stories", story_updates):
            con.execute(sql_text("stories_upsert.sql"), {"now": datetime.now(timezone.utc).replace(tzinfo=None)})
    if not article_updates.empty:
        with registered(con, "fw_story_articles", article_updates):
            con.execute(sql_text("stories_articles_update.sql"))
    clock.lap("write")
    log.debug("assign_stories timings: %s", clock.laps)
    return {
        "articles": len(article_ids),
        "signatures_changed": n_sigs,
        "pool": len(pool),
        "articles_changed": len(article_updates),
        "stories_touched": len(story_updates) + len(stale),
    }
