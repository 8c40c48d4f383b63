"""CPU of the load path alone: the bench corpus's pages, extracted once, loaded by load_pages in batches into a
fresh DuckDB file, with the process CPU (every thread, DuckDB's too) of each part: fetch and article rows,
tags, story grouping, story links, search terms made ahead. Best of --repeat; CPU ms a page.

python -m bench.load_cpu --workdir /tmp/fw-loadcpu [--pages 2000] [--shuffle 1] [--repeat 3] [--stored 45]

--shuffle N loads the pages in a random order (seed N), as the crawl hands them over (hosts interleaved):
stories are then touched by several batches, which costs the links stage about twice as many pairs.

--stored K loads onto a database already holding K copies of the corpus (ids suffixed, published k*30 days earlier,
LSH band keys rehashed: nothing of them groups or links with the pages loaded), so a statement that reads a whole
table where it needs a batch's rows shows: --stored 45 is a database of ~90,000 articles.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import random
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from bench.pages import ensure_corpus, served_page
from bench.server import outlet_base
from forumwatch import db as fwdb
from forumwatch.flows import steps
from forumwatch.settings import PipelineSettings
from forumwatch.tasks import dedupe, links, load, search_index, tag
from forumwatch.tasks.discover import FeedItem
from forumwatch.tasks.enrich import enrich_batch
from forumwatch.tasks.extract import Extracted, PageInput
from forumwatch.tasks.fetch import FetchRequest, FetchResult
from forumwatch.tasks.seeds import load_seed_tables
from forumwatch.tasks.sources import Source

FETCHED_AT = datetime(2026, 12, 7, 8)
PORT = 8800  # any: pages are read from the corpus's files, not served
Pages = tuple[list[Source], list[steps.PagePlan], list[FetchResult], list[Extracted]]
PARTS = [  # (module, function, label): each timed where load_pages calls it
    (load, "insert_fetches", "fetch rows"),
    (load, "upsert_articles", "article rows"),
    (tag, "write_tags", "tags"),
    (dedupe, "assign_stories", "stories"),
    (links, "link_stories", "links"),
    (steps, "make_search_terms_ahead", "search terms"),
]


def corpus_pages(root: Path, meta: dict) -> Pages:
    """The corpus's sources, page plans, fetch results (as if fetched with a 200 from bench.server's addresses)
    and extracted pages."""
    outlets = meta["outlets"]
    bases = {o["slug"]: outlet_base(i, len(outlets), o["slug"], PORT) for i, o in enumerate(outlets)}
    sources = [Source(o["slug"], o["name"], f"{bases[o['slug']]}/feed.xml", None, o["country"], "en") for o in outlets]
    plans, results, inputs = [], [], []
    for page in meta["pages"]:
        base, outlet = bases[page["outlet"]], page["outlet"]
        url = base + page["path"]
        raw = served_page(root, page, base)
        published = datetime.fromisoformat(page["published_at"])
        plans.append(
            steps.PagePlan(FetchRequest(url, outlet, "page"), FeedItem(url, outlet, page["title"], published, True))
        )
        results.append(
            FetchResult(
                url,
                outlet,
                "page",
                url,
                200,
                None,
                FETCHED_AT,
                None,
                None,
                "utf-8",
                "text/html",
                None,
                None,
                False,
                len(raw),
                1,
                1,
                hashlib.sha1(raw).hexdigest(),
                None,
            )
        )
        inputs.append(
            PageInput(url, outlet, raw.decode("utf-8"), FETCHED_AT, published, True, page["title"], "en", None, url)
        )
    with ProcessPoolExecutor(2) as pool:
        chunks = [inputs[i : i + 2] for i in range(0, len(inputs), 2)]
        extracted = [e for part in pool.map(enrich_batch, chunks) for e in part]
    return sources, plans, results, extracted


def timed(laps: dict[str, float], label: str, function: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            laps[label] += time.process_time() - started

    return wrapper


def load_once(pages: Pages, folder: Path, batch: int, laps: dict[str, float], stored: Path | None = None) -> float:
    """Load every page into a new file (a copy of `stored`), a batch at a time, on one run connection; the CPU
    seconds it took."""
    sources, plans, results, extracted = pages
    search_index.KNOWN_TERMS.clear()
    search_index.KNOWN_WORD_TERMS.clear()
    links.KNOWN_EVIDENCE.clear()
    path = str(folder / "load.duckdb")
    if stored is not None:
        shutil.copy(stored, path)
    with fwdb.connect(path) as con:
        fwdb.init_schema(con)
        load_seed_tables(con)
        load.upsert_sources(con, sources, FETCHED_AT)
        load.start_run(con, "bench", "ingest", FETCHED_AT, {})
    pipeline, connection = PipelineSettings(), steps.RunConnection(path)
    laps.clear()
    started = time.process_time()
    try:
        for lo in range(0, len(plans), batch):
            fetched = steps.PageFetch(results[lo : lo + batch], [])
            steps.load_pages.fn(
                path, "bench", plans[lo : lo + batch], fetched, extracted[lo : lo + batch], pipeline, connection
            )
    finally:
        connection.close()
    return time.process_time() - started


COPIED = ["articles", "stories", "story_features", "story_links", "article_people", "article_forums"]
COPIED += ["article_topics", "article_signatures", "article_bands"]
IDS = {"article_id", "story_id", "representative_id", "story_a", "story_b"}
TIMES = {"published_at", "first_published_at", "last_published_at"}


def _moved(table: str, column: str) -> str:
    """The SQL of copy k's value of a column: ids suffixed, times k*30 days earlier, band keys rehashed."""
    if column in IDS:
        return f"{column} || '_' || k::VARCHAR"
    if column in TIMES:
        return f"{column} - to_days(30 * k::INT)"
    if table == "article_bands" and column in ("key", "t"):
        return "hash(key, k)" if column == "key" else "t - k * 30 * 86400"
    return column


def stored_copies(pages: Pages, folder: Path, batch: int, copies: int) -> Path:
    """A database holding `copies` copies of the loaded corpus, none of which groups or links with it."""
    load_once(pages, folder, batch, defaultdict(float))
    target = folder / "stored.duckdb"
    with fwdb.connect(str(target)) as con:
        fwdb.init_schema(con)
        con.execute(f"ATTACH '{folder / 'load.duckdb'}' AS corpus (READ_ONLY)")
        for table in COPIED:
            columns = [d[0] for d in con.execute(f"SELECT * FROM corpus.{table} LIMIT 0").description]
            moved = ", ".join(_moved(table, c) for c in columns)
            con.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {moved} FROM corpus.{table}, range(1, {copies + 1}) r(k)"
            )
        con.execute("DETACH corpus")
        con.execute("CHECKPOINT")
    return target


def bench_pages(workdir: Path, n_pages: int, outlets: int, shuffle: int | None) -> Pages:
    """The corpus's pages, extracted (cached in workdir), in a random order with seed `shuffle` (if given)."""
    root = workdir / f"corpus-{n_pages}-{outlets}-real"
    meta = ensure_corpus(root, n_pages, outlets)
    cached = workdir / f"load-cpu-v2-{n_pages}-{outlets}-{meta['crawl_day'][:10]}.pkl"
    if cached.exists():
        pages: Pages = pickle.loads(cached.read_bytes())
    else:
        pages = corpus_pages(root, meta)
        cached.write_bytes(pickle.dumps(pages))
    if shuffle is not None:
        order = list(range(len(pages[1])))
        random.Random(shuffle).shuffle(order)
        pages = (pages[0], *([part[i] for i in order] for part in pages[1:]))  # type: ignore[assignment]
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "fw-load-cpu")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--outlets", type=int, default=100)
    parser.add_argument("--batch", type=int, default=PipelineSettings().batch_size)
    parser.add_argument("--shuffle", type=int, default=None, help="load in a random order with this seed")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stored", type=int, default=0, help="copies of the corpus stored before the load")
    args = parser.parse_args()
    pages = bench_pages(args.workdir, args.pages, args.outlets, args.shuffle)
    laps: dict[str, float] = defaultdict(float)
    for module, name, label in PARTS:
        setattr(module, name, timed(laps, label, getattr(module, name)))
    best: dict[str, float] | None = None
    base = Path(tempfile.mkdtemp(dir=args.workdir))
    stored = stored_copies(pages, base, args.batch, args.stored) if args.stored else None
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
            total = load_once(pages, Path(folder), args.batch, laps, stored)
        if best is None or total < best["load_pages in all"]:
            best = {"load_pages in all": total, **laps}
    assert best is not None
    shutil.rmtree(base)
    n = len(pages[1])
    on = f", onto {args.stored} stored copies" if args.stored else ""
    print(f"load path CPU ms a page ({n} pages, batches of {args.batch}{on}, best of {args.repeat}):")
    for label, seconds in best.items():
        print(f"  {label:20s} {seconds * 1000 / n:6.2f}")


if __name__ == "__main__":
    main()
