"""Per page, in worker processes: extract, then attribute the wire, tag topics, forums and people, and
fingerprint the text for story grouping (so the loading process does not)."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache

from trafilatura import external

from forumwatch.resources import seed_path
from forumwatch.tasks.attribute import Agency, attribute, load_agencies
from forumwatch.tasks.dedupe import pack_signature, pack_signatures
from forumwatch.tasks.extract import Extracted, PageInput, extract_page
from forumwatch.tasks.language import load_model, model_loaded
from forumwatch.tasks.links import keyed_evidence
from forumwatch.tasks.normalize import body_lines
from forumwatch.tasks.places import load_gazetteer
from forumwatch.tasks.tag import TagRules, load_rules, tag_article
from forumwatch.tasks.workers import init_worker, kill_pool

Stamp = tuple[tuple[int, int] | None, ...]


def _stamp(*names: str) -> Stamp:
    """(mtime, size) of these seed files: a long-lived process sees an edited seed."""
    out: list[tuple[int, int] | None] = []
    for name in names:
        try:
            st = os.stat(seed_path(name))
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


@lru_cache(maxsize=1)
def _agencies_at(stamp: Stamp) -> list[Agency]:
    return load_agencies()


@lru_cache(maxsize=1)
def _rules_at(stamp: Stamp) -> TagRules:
    return load_rules()


def _agencies() -> list[Agency]:
    return _agencies_at(_stamp("agencies.csv"))


def _rules() -> TagRules:
    return _rules_at(_stamp("topics.csv", "forums.csv", "people.csv"))


def warm() -> None:
    """Compile the tag rules, agency patterns and gazetteer, and load the language model and justext's stop words,
    now: run in the pool's forkserver, so every worker forked from it starts with them instead of making its own."""
    try:
        _rules()
        _agencies()
        load_gazetteer()
        load_model()  # read-only arrays: the workers share its pages (their RSS counts only the ones they touch)
        external.jt_stoplist_init()  # justext's stop words of every language (80 ms), read on its first rescue
    except Exception:  # a broken seed file: each page's enrichment reports it, as without warming
        pass


def warmed() -> bool:
    """True when this process holds compiled tag rules, agency patterns and the language model already (a worker
    forked after warm())."""
    return _rules_at.cache_info().currsize > 0 and _agencies_at.cache_info().currsize > 0 and model_loaded()


def enrich_text(
    out: Extracted,
    minhash: bytes | None = None,
    seeds: tuple[list[Agency], TagRules] | None = None,
    lines: list[str] | None = None,
) -> Extracted:
    """Add wire attribution and tags to an extracted page (no-op without text); `minhash`: its text's
    pack_signature, `seeds`: the agencies and tag rules, `lines`: its text's body_lines, when the caller has them."""
    if out.text:
        agencies, rules = seeds or (_agencies(), _rules())
        lines = body_lines(out.text) if lines is None else lines  # read once: attribution and fingerprint read them
        found = attribute(out.text, agencies, lines)
        out.extras.update(
            wire_agency=found.wire_agency,
            dateline_place=found.dateline_place,
            dateline_date=found.dateline_date,
            cited_media=list(found.cited_media),
        )
        out.extras["tags"] = tag_article(out.article_id, out.text, rules)
        # the story grouping's fingerprint, made here
        out.extras["minhash"] = minhash or pack_signature(out.text, lines)
        out.extras["evidence"] = keyed_evidence(out.title, out.text)  # and the story links' places and numbers
    return out


def enrich_page(page: PageInput) -> Extracted:
    return enrich_text(extract_page(page))


_POOL: ProcessPoolExecutor | None = None


def enrich_batch(pages: list[PageInput]) -> list[Extracted]:
    """enrich_page over a few pages: one call into a worker process. The pages' fingerprints are computed
    together (the same bytes as one by one, for numpy's per-call cost once)."""
    extracted = [extract_page(p) for p in pages]
    lines = [body_lines(out.text) if out.text else [] for out in extracted]  # for attribution and fingerprints
    texts = [out.text for out in extracted if out.text]
    minhashes = iter(pack_signatures(texts, [body for out, body in zip(extracted, lines) if out.text]) if texts else [])
    seeds = (_agencies(), _rules()) if texts else None  # the seed files' stamps are read once a batch, not a page
    return [enrich_text(out, next(minhashes) if out.text else None, seeds, body) for out, body in zip(extracted, lines)]


PRELOAD = "forumwatch.tasks.enrich_preload"  # imported by the pool's forkserver: the modules and warm()
_POOL_USED = False  # work was sent to _POOL (a pool only started ahead has none)


def extraction_pool(workers: int) -> ProcessPoolExecutor:
    """The shared pool of extraction processes (started once per process, ended by shutdown_pool)."""
    return _pool(workers)


def _pool(workers: int) -> ProcessPoolExecutor:
    global _POOL_USED
    _POOL_USED = True
    return _started_pool(workers)


def _started_pool(workers: int) -> ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        _POOL = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=init_worker, initargs=(os.getpid(),)
        )
    return _POOL


def start_pool_ahead(workers: int) -> None:
    """Start the extraction workers now, in a background thread: the forkserver's imports and seed compiling
    (seconds) then overlap the run's first steps instead of holding up its first page. A pool that gets no
    work is ended at once by shutdown_pool."""
    if workers <= 1 or _POOL is not None:
        return
    pool = _started_pool(workers)
    threading.Thread(target=_spawn_workers, args=(pool, workers), daemon=True, name="extract-ahead").start()


def _spawn_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Submit a no-op per worker (each submit starts a worker while none is idle)."""
    try:
        for _ in range(workers):
            pool.submit(os.getpid)
    except Exception:  # the pool was shut down or killed meanwhile (a stop, a run with nothing to extract)
        pass


def shutdown_pool(kill: bool = False) -> None:
    """Stop the shared pool: let the workers finish and exit, or (kill=True) end them at once. A pool that was
    only started ahead is ended at once (nothing of the run's is in it; its workers may still be starting)."""
    global _POOL, _POOL_USED
    if _POOL is None:
        return
    pool, _POOL = _POOL, None
    kill = kill or not _POOL_USED
    _POOL_USED = False
    if not kill:
        pool.shutdown(cancel_futures=True)
        return
    kill_pool(pool)


def _chunk_size(pages: int, workers: int) -> int:
    """Pages per call into a worker: four calls a worker, so a slow chunk does not leave the others idle."""
    return max(1, pages // (workers * 4))


def enrich_many(pages: list[PageInput], workers: int = 1) -> list[Extracted]:
    """Enrich pages in order; with workers > 1 the work is spread over a shared process pool."""
    if workers <= 1 or len(pages) < 2:
        return enrich_batch(pages)
    size = _chunk_size(len(pages), workers)
    chunks = [pages[i : i + size] for i in range(0, len(pages), size)]
    return [out for chunk in _pool(workers).map(enrich_batch, chunks) for out in chunk]


def submit_many(pages: list[PageInput], workers: int = 1) -> list[Future[list[Extracted]]]:
    """enrich_many without waiting: futures of consecutive chunks, in order (done at once with workers <= 1)."""
    if workers <= 1 or len(pages) < 2:
        done: Future[list[Extracted]] = Future()
        done.set_result(enrich_batch(pages))
        return [done]
    size = _chunk_size(len(pages), workers)
    return [_pool(workers).submit(enrich_batch, pages[i : i + size]) for i in range(0, len(pages), size)]
