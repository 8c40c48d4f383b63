"""Benchmark story grouping against exact-title and trafilatura SimHash baselines; optional scale runs.

.venv/bin/python bench/dedupe/run.py                       # quality tables, overall and per language (seconds)
.venv/bin/python bench/dedupe/run.py --scale 10000 30000 100000   # + timing / peak memory
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from math import comb
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import corpus_zh_ru  # noqa: E402
from trafilatura.deduplication import Simhash, content_fingerprint  # noqa: E402

from forumwatch.db import init_schema  # noqa: E402
from forumwatch.tasks.dedupe import assign_stories  # noqa: E402
from forumwatch.tasks.normalize import normalize_title  # noqa: E402

ARTICLE_COLUMNS = ["article_id", "url", "source_id", "title", "published_at", "text"]


def pair_metrics(truth: list, predicted: list) -> dict:
    """Pairwise precision, recall, F1 and the adjusted Rand index of two labelings."""
    table = pd.crosstab(pd.Series(truth, name="t"), pd.Series(predicted, name="p")).to_numpy()
    both = sum(comb(int(v), 2) for v in table.ravel())
    same_truth = sum(comb(int(v), 2) for v in table.sum(axis=1))
    same_pred = sum(comb(int(v), 2) for v in table.sum(axis=0))
    total = comb(len(truth), 2)
    precision = both / same_pred if same_pred else 1.0
    recall = both / same_truth if same_truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = same_truth * same_pred / total
    ari = (both - expected) / (0.5 * (same_truth + same_pred) - expected)
    return {"precision": precision, "recall": recall, "f1": f1, "ari": ari}


def title_groups(frame: pd.DataFrame) -> list:
    return frame["title"].map(normalize_title).tolist()


def simhash_groups(frame: pd.DataFrame, threshold: float) -> list:
    """Connected components of pairs whose trafilatura content_fingerprint similarity >= threshold."""
    hashes = [Simhash(existing_hash=content_fingerprint(t)) for t in frame["text"]]
    values = np.array([h.hash for h in hashes], dtype=np.uint64)
    i, j = np.triu_indices(len(values), k=1)
    xor = values[i] ^ values[j]
    bits = np.unpackbits(xor.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)
    keep = (64 - bits) / 64 >= threshold
    graph = coo_matrix((np.ones(int(keep.sum())), (i[keep], j[keep])), shape=(len(values),) * 2)
    return connected_components(graph, directed=False)[1].tolist()


def load_and_group(frame: pd.DataFrame, db: str, window_days: int = 7, workers: int = 1) -> tuple[list, float]:
    """Insert the articles, group them in one transaction; returns story ids and seconds spent grouping."""
    con = duckdb.connect(db)
    init_schema(con)
    con.register("bench_articles", frame[ARTICLE_COLUMNS])
    con.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) SELECT * FROM bench_articles")
    con.unregister("bench_articles")
    started = time.perf_counter()
    con.execute("BEGIN")
    assign_stories(con, frame["article_id"].tolist(), window_days, workers=workers)
    con.execute("COMMIT")
    seconds = time.perf_counter() - started
    stories = con.execute("SELECT article_id, story_id FROM articles").df().set_index("article_id")["story_id"]
    con.close()
    return stories.reindex(frame["article_id"]).tolist(), seconds


def quality(n_stories: int, seed: int) -> None:
    frame = corpus.build(n_stories=n_stories, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        ours, seconds = load_and_group(frame, str(Path(tmp) / "bench.duckdb"))
    truth = frame["label"].tolist()
    methods = {
        "minhash-lsh containment (ours)": ours,
        "exact normalised title": title_groups(frame),
        "trafilatura simhash >= 0.9": simhash_groups(frame, 0.9),
        "trafilatura simhash >= 0.8": simhash_groups(frame, 0.8),
    }
    print(
        f"corpus: {len(frame)} articles, {frame['label'].nunique()} true stories "
        f"({n_stories} wire stories + hard negatives), {len(corpus.OUTLETS)} outlet templates, seed {seed}; "
        f"grouping took {seconds:.2f}s"
    )
    print(f"{'method':34} {'precision':>9} {'recall':>7} {'F1':>6} {'ARI':>6} {'groups':>6}")
    for name, predicted in methods.items():
        m = pair_metrics(truth, predicted)
        print(
            f"{name:34} {m['precision']:9.4f} {m['recall']:7.4f} {m['f1']:6.4f} {m['ari']:6.4f} "
            f"{len(set(predicted)):6d}"
        )


def by_language(n_stories: int, seed: int) -> None:
    """English, Chinese and Russian corpora grouped together in one database; precision and recall per
    language (and across: a story never mixes languages, so cross-language pairs count as false)."""
    english = corpus.build(n_stories=n_stories, seed=seed).assign(language="en")
    frame = pd.concat([english, corpus_zh_ru.build("zh", seed), corpus_zh_ru.build("ru", seed)], ignore_index=True)
    with tempfile.TemporaryDirectory() as tmp:
        ours, _ = load_and_group(frame, str(Path(tmp) / "bench.duckdb"))
    frame["predicted"] = ours
    print(
        f"\n{'language':8} {'articles':>8} {'stories':>7} {'method':28} {'precision':>9} {'recall':>7} {'F1':>6} {'ARI':>6}"
    )
    for language, part in [*frame.groupby("language", sort=False), ("all", frame)]:
        methods = {"minhash-lsh (ours)": part["predicted"].tolist()}
        if language != "all":
            methods["trafilatura simhash >= 0.9"] = simhash_groups(part, 0.9)
        for name, predicted in methods.items():
            m = pair_metrics(part["label"].tolist(), predicted)
            print(
                f"{language:8} {len(part):8d} {part['label'].nunique():7d} {name:28} {m['precision']:9.4f} "
                f"{m['recall']:7.4f} {m['f1']:6.4f} {m['ari']:6.4f}"
            )


def scale_prepare(n_articles: int, seed: int, db: str) -> None:
    """Write a scaled corpus (articles + true labels) into a DuckDB file, in its own process."""
    frame = corpus.build(n_stories=max(1, n_articles // 9), seed=seed, days=max(30, n_articles // 2000))
    frame = frame.iloc[:n_articles]
    con = duckdb.connect(db)
    init_schema(con)
    con.register("bench_articles", frame)
    con.execute(
        f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) SELECT {', '.join(ARTICLE_COLUMNS)} FROM bench_articles"
    )
    con.execute("CREATE TABLE bench_labels AS SELECT article_id, label FROM bench_articles")
    con.close()


def scale_group(db: str, workers: int) -> dict:
    """Group every article of a prepared file in one transaction; peak memory is this process only."""
    con = duckdb.connect(db)
    ids = [r[0] for r in con.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()]
    started = time.perf_counter()
    con.execute("BEGIN")
    counts = assign_stories(con, ids, 7, workers=workers)
    con.execute("COMMIT")
    seconds = time.perf_counter() - started
    got = con.execute("SELECT l.label, a.story_id FROM bench_labels l JOIN articles a USING (article_id)").df()
    con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_mb = max(peak_mb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    m = pair_metrics(got["label"].tolist(), got["story_id"].tolist())
    return {"n": len(ids), "seconds": seconds, "peak_mb": peak_mb, "pool": counts["pool"], **m}


def scale(sizes: list[int], seed: int, workers: int) -> None:
    print(f"\n{'articles':>9} {'group s':>8} {'s/1k':>6} {'peak MB':>8} {'precision':>9} {'recall':>7} {'ARI':>6}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "scale.duckdb")
            me = [sys.executable, __file__, "--seed", str(seed), "--db", db]
            subprocess.run(me + ["--scale-prepare", str(n)], check=True)
            out = subprocess.run(
                me + ["--scale-group", "--workers", str(workers)], check=True, capture_output=True, text=True
            ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{r['n']:9d} {r['seconds']:8.2f} {1000 * r['seconds'] / r['n']:6.3f} {r['peak_mb']:8.0f} "
            f"{r['precision']:9.4f} {r['recall']:7.4f} {r['ari']:6.4f}",
            flush=True,
        )
    print(
        f"(group s: wall time of assign_stories over all articles in one transaction, workers={workers}: "
        "normalise, fingerprint, store signatures, LSH, verify, write; peak MB: max RSS of the grouping "
        "process or one of its workers; load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=60, help="wire stories in the quality corpus")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scale", type=int, nargs="*", default=[], help="article counts to time, e.g. 10000 30000 100000"
    )
    parser.add_argument("--workers", type=int, default=2, help="fingerprinting processes in scale runs")
    parser.add_argument("--scale-prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--scale-group", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_prepare:
        scale_prepare(args.scale_prepare, args.seed, args.db)
        return
    if args.scale_group:
        print(json.dumps(scale_group(args.db, args.workers)))
        return
    quality(args.stories, args.seed)
    by_language(args.stories, args.seed)
    if args.scale:
        scale(args.scale, args.seed, args.workers)


if __name__ == "__main__":
    main()
