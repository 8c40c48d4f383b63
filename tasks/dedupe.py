"""Group syndicated copies of one story: MinHash signatures, LSH banding, containment check, components.

Signatures are one-permutation MinHash (one 64-bit hash per word shingle, split into NUM_PERM bins,
min per bin, empty bins filled by rotation), computed for a whole batch with numpy and stored in
`article_signatures` in datasketch's LeanMinHash layout, their LSH band keys (BANDS x ROWS) in
`article_bands`. Two articles are candidates when they share a band key and were published within
+-window_days; a pair is a copy when the smaller text is mostly contained in the larger one. Stories
are the connected components of that graph, so they depend only on the set of articles, never on the
order they arrived in.

Each call regroups only what the given articles can touch: the articles sharing a band key with them
(one join over `article_bands`) and every member of the stories either belongs to. Since stored
stories are the components of the graph before the call, that pool is a union of whole components of
the graph after it, so regrouping the pool alone gives the same stories as regrouping everything.
Articles with no story yet (`story_id IS NULL`: loaded by a bulk loader that groups later, or by a
run that died before grouping) join every call, so a later call finishes their grouping.
"""

from __future__ import annotations

import atexit
import logging
import os
import struct
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from multiprocessing import get_context

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from forumwatch.db import IN_LIST_MAX, in_list, registered, scalar
from forumwatch.identity import story_id_for
from forumwatch.lake import statement
from forumwatch.resources import sql_text
from forumwatch.tasks.normalize import normalize_title, spaced_words
from forumwatch.tasks.workers import init_worker, kill_pool

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
PARALLEL_MIN = 500  # from this many articles, fingerprint in `workers` processes
_DOC_BITS = 20  # chunk documents are packed in the top bits when counting distinct shingles
PYTHON_SPLIT_MAX = 8  # documents in a chunk up to which str.split costs less than Arrow's calls


@dataclass(frozen=True)
class Signatures:
    hashvalues: np.ndarray  # (n, NUM_PERM) uint32; undefined where n_shingles == 0
    n_shingles: np.ndarray  # (n,) distinct shingles; 0 = no usable text


@dataclass(frozen=True)
class Fingerprints:
    """What one call fingerprinted: signatures in the order of article_ids, and the band keys (article_id,
    key, t) of the usable ones."""

    article_ids: np.ndarray
    signatures: Signatures
    bands: pd.DataFrame
    changed: int  # signature rows written


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


Tokens = tuple[np.ndarray, np.ndarray, np.ndarray]  # (hash of each word, its document, words per document)


def _arrow_tokens(docs: list[str]) -> Tokens:
    """The words of the documents with MIN_WORDS or more, hashed (siphash with a fixed key: stable); Arrow
    splits the documents, so no Python string is made per word, and each distinct word is hashed once."""
    lists = pc.split_pattern(pa.array(docs, type=pa.large_string()), " ")
    tokens, doc = pc.list_flatten(lists), pc.list_parent_indices(lists).to_numpy()
    word = pc.greater(pc.binary_length(tokens), 0).to_numpy(zero_copy_only=False)  # runs of spaces give ""
    lengths = np.bincount(doc[word], minlength=len(docs))
    keep = word & (lengths >= MIN_WORDS)[doc]
    coded = tokens.filter(pa.array(keep)).dictionary_encode()
    vocabulary = np.array(coded.dictionary.to_pylist(), dtype=object)
    return pd.util.hash_array(vocabulary, categorize=False)[coded.indices.to_numpy()], doc[keep], lengths


def _python_tokens(docs: list[str]) -> Tokens:
    """_arrow_tokens by str.split: cheaper for a few documents, where Arrow's cost per call dominates."""
    split = [list(filter(None, d.split(" "))) for d in docs]  # runs of spaces give "": dropped in C
    lengths = np.array([len(words) for words in split], dtype=np.int64)
    usable = lengths >= MIN_WORDS
    kept = np.array(list(chain.from_iterable(words for words, ok in zip(split, usable) if ok)), dtype=object)
    tok = pd.util.hash_array(kept, categorize=False) if len(kept) else np.zeros(0, dtype=np.uint64)
    return tok, np.repeat(np.flatnonzero(usable), lengths[usable]), lengths


def _chunk_signatures(docs: list[str]) -> Signatures:
    """Signatures of documents given as spaced_words strings."""
    n = len(docs)
    tok, doc, lengths = (_python_tokens if n <= PYTHON_SPLIT_MAX else _arrow_tokens)(docs)
    usable = lengths >= MIN_WORDS
    sig = np.zeros((n, NUM_PERM), dtype=np.uint32)
    counts = np.zeros(n, dtype=np.int64)
    if not usable.any():
        return Signatures(sig, counts)
    doc_len = lengths[usable]
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
    return spaced_signatures((spaced_words(text if isinstance(text, str) else "") for text in texts), chunk)


def spaced_signatures(docs: Iterable[str], chunk: int = CHUNK) -> Signatures:
    """signatures() of texts given as their spaced_words, in batches to bound memory."""
    assert chunk < 2**_DOC_BITS
    parts: list[Signatures] = []
    batch: list[str] = []
    for doc in docs:
        batch.append(doc)
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


def band_keys(sig: np.ndarray) -> np.ndarray:
    """LSH band keys, (n, BANDS) uint64: the ROWS hash values of each band mixed into one key, salted
    with the band number so that one key column serves every band."""
    bands = sig[:, : BANDS * ROWS].astype(np.uint64).reshape(len(sig), BANDS, ROWS)
    keys = _mix(np.arange(1, BANDS + 1, dtype=np.uint64)) ^ bands[:, :, 0]
    for r in range(1, ROWS):
        keys = _mix(keys) ^ bands[:, :, r]
    return keys


def band_rows(ids: np.ndarray, sig: np.ndarray, seconds: np.ndarray) -> pd.DataFrame:
    """One row (id, key, t) per signature and band."""
    return pd.DataFrame({"id": np.repeat(ids, BANDS), "key": band_keys(sig).ravel(), "t": np.repeat(seconds, BANDS)})


def candidate_pairs(
    con: duckdb.DuckDBPyConnection, sig: np.ndarray, seconds: np.ndarray, usable: np.ndarray, window_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """LSH banding: pairs sharing one band, published within the window (DuckDB does the join)."""
    rows = np.flatnonzero(usable)
    frame = band_rows(rows.astype(np.int32), sig[rows], seconds[rows]).rename(columns={"id": "i"})
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
    return components(n, i[keep], j[keep])


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected components of the undirected graph on n nodes with edges (i, j): a label per node, 0..k-1 in the
    order of each component's smallest node (as scipy's connected_components, without its 0.2 s import). Each
    node points to a smaller one (its component's smallest, in the end): edges hook the larger of their two roots
    under the smaller, then every node jumps to its root, until every edge has one root."""
    parent = np.arange(n)
    while len(i):
        ri, rj = parent[i], parent[j]
        apart = ri != rj
        if not apart.any():
            break
        np.minimum.at(parent, np.maximum(ri, rj)[apart], np.minimum(ri, rj)[apart])
        while True:  # pointer jumping: parent[x] <= x, so this ends with every node on its root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    return np.unique(parent, return_inverse=True)[1].reshape(n)


def _epoch(published: pd.Series) -> np.ndarray:
    values = pd.to_datetime(published)
    return np.where(values.notna(), values.astype("datetime64[s]").astype("int64"), 0).astype(np.int64)


def _load_pool(
    con: duckdb.DuckDBPyConnection, article_ids: list[str], probe: pd.DataFrame, window_days: int
) -> pd.DataFrame:
    """The given articles, those sharing a band key with them (probe) in the window, and their stories' members."""
    window = window_days * 86400
    lo, hi = (int(probe["t"].min()) - window, int(probe["t"].max()) + window) if len(probe) else (0, -1)
    params = {"ids": article_ids, "window_seconds": window, "lo": lo, "hi": hi}
    with registered(con, "fw_probe", probe[["key", "t"]]):
        rowids = [r[0] for r in con.execute(sql_text("stories_pool.sql"), params).fetchall()]
    return con.execute(sql_text("stories_pool_rows.sql"), {"rowids": rowids}).df()


def _pending(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Articles not grouped yet (story_id IS NULL)."""
    return [r[0] for r in con.execute("SELECT article_id FROM articles WHERE story_id IS NULL").fetchall()]


def _texts(con: duckdb.DuckDBPyConnection, article_ids: list[str], given: Mapping[str, str | None]) -> list:
    """The articles' texts, in order: from `given` where present, else read back from the table."""
    missing = [a for a in article_ids if a not in given]
    if missing:
        query = "SELECT article_id, text FROM articles WHERE article_id = ANY($ids)"
        given = {**given, **dict(con.execute(query, {"ids": missing}).fetchall())}
    return [given[a] for a in article_ids]


def _store_signatures(
    con: duckdb.DuckDBPyConnection,
    article_ids: list[str],
    texts: Mapping[str, str | None],
    workers: int = 1,
    given: Mapping[str, bytes] | None = None,
) -> Fingerprints:
    """Compute the signatures and band keys of the given articles and store those that changed, a batch at a time."""
    todo = len(article_ids) - len(given or {})
    workers = min(workers, os.cpu_count() or 1) if todo >= PARALLEL_MIN else 1
    pool = _process_pool(workers - 1) if workers > 1 else None
    parts = [
        _store_batch(con, article_ids[lo : lo + BATCH], texts, pool, workers, given or {})
        for lo in range(0, len(article_ids), BATCH)
    ]
    return Fingerprints(
        np.concatenate([p.article_ids for p in parts]),
        Signatures(
            np.vstack([p.signatures.hashvalues for p in parts]),
            np.concatenate([p.signatures.n_shingles for p in parts]),
        ),
        pd.concat([p.bands for p in parts], ignore_index=True),
        sum(p.changed for p in parts),
    )


_POOL: tuple[int, ProcessPoolExecutor] | None = None  # (workers, pool)


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """Fingerprinting processes besides the caller's, started once and kept: starting them costs more
    than a batch."""
    global _POOL
    if _POOL is None or _POOL[0] != workers:
        shutdown_pool()
        _POOL = (
            workers,
            ProcessPoolExecutor(
                workers, mp_context=get_context("forkserver"), initializer=init_worker, initargs=(os.getpid(),)
            ),
        )
    return _POOL[1]


def shutdown_pool(kill: bool = False) -> None:
    global _POOL
    if _POOL is not None:
        pool, _POOL = _POOL[1], None
        if kill:
            kill_pool(pool)
        else:
            pool.shutdown(cancel_futures=True)


atexit.register(shutdown_pool)


def _store_batch(
    con: duckdb.DuckDBPyConnection,
    article_ids: list[str],
    given: Mapping[str, str | None],
    pool: ProcessPoolExecutor | None,
    shares: int = 1,
    computed: Mapping[str, bytes] | None = None,
) -> Fingerprints:
    if len(article_ids) <= IN_LIST_MAX:
        rows = con.execute(*in_list(sql_text("stories_batch_few.sql"), article_ids, article_ids)).df()
    else:
        rows = con.execute(sql_text("stories_batch.sql"), {"ids": article_ids}).df()
    ids = rows["article_id"].tolist()
    computed = computed or {}
    missing = [i for i, a in enumerate(ids) if a not in computed]
    texts = _texts(con, [ids[i] for i in missing], given)
    if pool and len(texts) >= shares:  # one share here, the others in the pool's processes
        step = -(-len(texts) // shares)
        futures = [pool.submit(signatures, texts[i : i + step]) for i in range(step, len(texts), step)]
        parts = [signatures(texts[:step])] + [f.result() for f in futures]
        fresh = Signatures(np.vstack([p.hashvalues for p in parts]), np.concatenate([p.n_shingles for p in parts]))
    else:
        fresh = signatures(texts)
    del texts
    sigs = _merge_computed(ids, missing, fresh, computed)
    blobs = encode(sigs.hashvalues)
    rows["new_n"] = sigs.n_shingles
    rows["new_sig"] = [b if n > 0 else None for b, n in zip(blobs, sigs.n_shingles)]
    stored = rows["has_sig"].to_numpy(dtype=bool)
    changed = ~stored
    if stored.any():
        changed |= (
            rows["sig_published_at"].ne(rows["published_at"])
            & ~(rows["sig_published_at"].isna() & rows["published_at"].isna())
            | rows["n_shingles"].ne(rows["new_n"])
            | (rows["signature"].map(_bytes) != rows["new_sig"].map(_bytes))
        ).to_numpy(dtype=bool)
    usable = (sigs.n_shingles > 0) & rows["published_at"].notna().to_numpy()
    seconds = _epoch(rows["published_at"])[usable]
    bands = band_rows(rows["article_id"].to_numpy()[usable], sigs.hashvalues[usable], seconds)
    bands = bands.rename(columns={"id": "article_id"})
    columns = ["article_id", "published_at", "new_n", "new_sig"]
    if (changed & stored).any():
        replaced = rows.loc[changed & stored, columns]
        con.execute("DELETE FROM article_bands WHERE article_id = ANY($ids)", {"ids": replaced["article_id"].tolist()})
        with registered(con, "fw_signatures", replaced):
            con.execute(statement(con, "stories_signatures_upsert.sql"))
    if (changed & ~stored).any():  # a plain INSERT is much cheaper for DuckDB than INSERT OR REPLACE
        with registered(con, "fw_signatures", rows.loc[changed & ~stored, columns]):
            con.execute("INSERT INTO article_signatures SELECT * FROM fw_signatures")
    if changed.any():
        with registered(con, "fw_bands", bands[np.repeat(changed[usable], BANDS)]):
            con.execute("INSERT INTO article_bands SELECT article_id, key, t FROM fw_bands")
    return Fingerprints(rows["article_id"].to_numpy(dtype=object), sigs, bands, int(changed.sum()))


def pack_signature(text: str | None, lines: list[str] | None = None) -> bytes:
    """One text's signature and distinct-shingle count as bytes, computed where the text is extracted
    (a worker process) so the loading process only reads them: encode()'s blob plus the count (`lines`: the text's
    body_lines, when the caller has them)."""
    sig = (
        signatures([text])
        if lines is None
        else spaced_signatures([spaced_words(text if isinstance(text, str) else "", lines)])
    )
    return encode(sig.hashvalues)[0] + struct.pack("<q", int(sig.n_shingles[0]))


def pack_signatures(texts: list[str | None], lines: list[list[str]] | None = None) -> list[bytes]:
    """pack_signature of each text, computed together: the same bytes, for numpy's per-call cost once (`lines`: each
    text's body_lines, when the caller has them)."""
    if lines is None:
        sig = signatures(texts)
    else:
        sig = spaced_signatures(
            spaced_words(text if isinstance(text, str) else "", body) for text, body in zip(texts, lines)
        )
    hashvalues = np.where(sig.n_shingles[:, None] > 0, sig.hashvalues, 0)  # zeros without text, as alone
    return [blob + struct.pack("<q", int(n)) for blob, n in zip(encode(hashvalues), sig.n_shingles)]


def _merge_computed(ids: list[str], missing: list[int], fresh: Signatures, computed: Mapping[str, bytes]) -> Signatures:
    """Signatures in `ids` order: `fresh` at the `missing` positions, pack_signature() blobs elsewhere."""
    if not computed:
        return fresh
    hashvalues = np.zeros((len(ids), NUM_PERM), dtype=np.uint32)
    counts = np.zeros(len(ids), dtype=np.int64)
    hashvalues[missing], counts[missing] = fresh.hashvalues, fresh.n_shingles
    have = [i for i, a in enumerate(ids) if a in computed]
    if have:
        blobs = [computed[ids[i]] for i in have]
        hashvalues[have] = decode([b[:-8] for b in blobs])
        counts[have] = [struct.unpack("<q", b[-8:])[0] for b in blobs]
    return Signatures(hashvalues, counts)


def _pool_signatures(
    con: duckdb.DuckDBPyConnection, pool_ids: pd.Series, known: Fingerprints
) -> tuple[np.ndarray, np.ndarray]:
    """Signature rows and shingle counts for the pool: this call's fingerprints, the others read from the table."""
    at = pd.Index(known.article_ids).get_indexer(pool_ids)
    mine = at >= 0
    size = np.zeros(len(at), dtype=np.int64)
    sig = np.zeros((len(at), NUM_PERM), dtype=np.uint32)
    size[mine] = known.signatures.n_shingles[at[mine]]
    sig[mine] = known.signatures.hashvalues[at[mine]]
    if not mine.all():
        ids = pool_ids[~mine].tolist()
        # constant IN lists: only these rows' signatures are read (= ANY($ids) read every stored signature)
        query = "SELECT article_id, n_shingles, signature FROM article_signatures WHERE article_id IN ($ids)"
        rows = [
            row
            for lo in range(0, len(ids), IN_LIST_MAX)
            for row in con.execute(*in_list(query, ids[lo : lo + IN_LIST_MAX])).fetchall()
            if row[1] is not None and row[1] > 0  # plain tuples: each blob comes as bytes, copied once
        ]
        where = pd.Index(pool_ids).get_indexer([row[0] for row in rows])
        size[where] = [row[1] for row in rows]
        sig[where] = decode([row[2] for row in rows])
    sig[size == 0] = 0
    return sig, size


def _backfill_bands(con: duckdb.DuckDBPyConnection) -> None:
    """Band keys for signatures stored before article_bands existed (a one-time upgrade of old files)."""
    if scalar(con, "SELECT EXISTS (FROM article_bands)"):
        return
    ids = [r[0] for r in con.execute(sql_text("stories_unbanded.sql")).fetchall()]
    for lo in range(0, len(ids), BATCH):
        query = "SELECT article_id, published_at, signature FROM article_signatures WHERE article_id = ANY($ids)"
        rows = con.execute(query, {"ids": ids[lo : lo + BATCH]}).df()
        sig = decode([bytes(b) for b in rows["signature"]])
        bands = band_rows(rows["article_id"].to_numpy(), sig, _epoch(rows["published_at"]))
        with registered(con, "fw_bands", bands):
            con.execute("INSERT INTO article_bands SELECT id, key, t FROM fw_bands")


def _bytes(value) -> bytes | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else bytes(value)


def _desired(
    pool: pd.DataFrame, labels: np.ndarray, sig: np.ndarray, size: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-article story columns and per-story rows for the grouped pool (labels are 0..k-1)."""
    ids = pool["article_id"].to_numpy(dtype=object)
    published = pool["published_at"].to_numpy(dtype="datetime64[us]")
    when = np.where(np.isnat(published), np.iinfo(np.int64).max, published.astype(np.int64))
    order = np.lexsort((ids.astype(str), when, labels))  # per story: earliest first (undated last), then id
    first = np.ones(len(order), dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    rep = order[first]  # the representative row of each label
    rows, rep_row = np.arange(len(pool)), rep[labels]
    _, contained = pair_scores(sig, size, rows, rep_row)
    similarity = np.where(size > 0, np.round(contained, 4), np.nan)
    similarity[rows == rep_row] = np.where(size[rows == rep_row] > 0, 1.0, np.nan)
    titles = np.array([normalize_title(t if isinstance(t, str) else None) for t in pool["title"]], dtype=object)
    story_ids = np.array([story_id_for(a) for a in ids[rep]], dtype=object)
    articles = pd.DataFrame(
        {
            "article_id": ids,
            "story_id": story_ids[labels],
            "story_similarity": similarity,
            "headline_changed": titles != titles[rep_row],
        }
    )
    members = pool.assign(label=labels)
    grouped = members.groupby("label")
    wires = members.dropna(subset=["wire_agency"]).groupby(["label", "wire_agency"]).size().reset_index(name="n")
    wires = wires.sort_values(["label", "n", "wire_agency"], ascending=[True, False, True]).drop_duplicates("label")
    stories = pd.DataFrame(
        {
            "story_id": story_ids,
            "headline": pool["title"].iloc[rep].to_numpy(),
            "wire_agency": wires.set_index("label")["wire_agency"].reindex(range(len(rep))).to_numpy(),
            "first_published_at": grouped["published_at"].min().to_numpy(),
            "last_published_at": grouped["published_at"].max().to_numpy(),
            "first_outlet": pool["source_id"].iloc[rep].to_numpy(),
            "representative_id": ids[rep],
            "n_articles": np.bincount(labels).astype("int32"),
            "n_outlets": grouped["source_id"].nunique().to_numpy().astype("int32"),
        }
    )
    return articles, stories


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 2)
        self._last = now


def assign_stories(
    con: duckdb.DuckDBPyConnection,
    article_ids: list[str],
    window_days: int = 7,
    workers: int = 1,
    texts: Mapping[str, str | None] | None = None,
    computed: Mapping[str, bytes] | None = None,
) -> dict:
    """Fingerprint the given articles (and any not grouped yet), regroup every story they touch, inside
    the caller's transaction. Costs in proportion to the articles and the stories they touch.

    workers > 1 fingerprints batches of PARALLEL_MIN articles or more in that many processes: this one
    and workers - 1 forkserver processes kept for later calls (shutdown_pool ends them); the calling
    program's __main__ must then be import-safe (guarded by `if __name__ == "__main__"`).
    texts: article_id -> the text the caller has just stored, which spares reading it back.
    computed: article_id -> pack_signature(text) made beside the extraction, which spares computing it here.
    """
    _backfill_bands(con)
    article_ids = sorted(set(article_ids) | set(_pending(con)))
    if not article_ids:
        return {"articles": 0, "signatures_changed": 0, "pool": 0, "articles_changed": 0, "stories_touched": 0}
    clock = _Clock()
    known = _store_signatures(con, article_ids, texts or {}, workers, computed)
    clock.lap("fingerprint")
    pool = _load_pool(con, article_ids, known.bands, window_days)
    sig, size = _pool_signatures(con, pool["article_id"], known)
    clock.lap("load pool")
    labels = group(con, sig, size, pool["published_at"], window_days)
    clock.lap("lsh+verify")
    articles, stories = _desired(pool, labels, sig, size)
    stale = sorted(set(pool["story_id"].dropna()) - set(stories["story_id"]))
    n_stories = 0
    if stale:
        n_stories += _count(con.execute("DELETE FROM stories WHERE story_id = ANY($ids)", {"ids": stale}))
    now = {"now": datetime.now(UTC).replace(tzinfo=None)}
    with registered(con, "fw_stories", stories):
        n_stories += _count(con.execute(sql_text("stories_update.sql"), now))
        n_stories += _count(con.execute(sql_text("stories_insert.sql"), now))
    with registered(con, "fw_story_articles", articles):
        n_articles = _count(con.execute(sql_text("stories_articles_update.sql")))
    clock.lap("write")
    log.debug("assign_stories timings: %s", clock.laps)
    return {
        "articles": len(article_ids),
        "signatures_changed": known.changed,
        "pool": len(pool),
        "articles_changed": n_articles,
        "stories_touched": n_stories,
    }


def _count(result: duckdb.DuckDBPyConnection) -> int:
    """Rows changed by the INSERT, UPDATE or DELETE just executed."""
    row = result.fetchone()
    return int(row[0]) if row else 0
