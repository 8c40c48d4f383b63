"""Bare trafilatura on one core over a bench corpus: the reference the pipeline is measured against.

    python -m bench.bare CORPUS_DIR [--limit N] [--processes P]

`--settings default` (the default) is the reference issue 12 names: `bare_extraction(html, url=url,
with_metadata=True)` with trafilatura's own defaults. `--settings pipeline` is the call tasks/extract.py
makes (no comments, favor_precision, extensive date search with original_date and max_date = crawl day),
which costs trafilatura less on real pages. The HTML string is passed as it is, so trafilatura parses it
itself. Prints one JSON line.

With --processes P the pages are split over P processes started together (one per core): the
machine's own parallel ceiling for this work, since the pipeline can do no better on P cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from bench.pages import load_corpus, served_page


def read_pages(root: Path, base_for, limit: int | None = None) -> list[tuple[str, str]]:
    meta = load_corpus(root)
    slugs = {o["slug"]: i for i, o in enumerate(meta["outlets"])}
    pages = meta["pages"][:limit] if limit else meta["pages"]
    out = []
    for p in pages:
        base = base_for(slugs[p["outlet"]])
        out.append((base + p["path"], served_page(root, p, base).decode("utf-8")))
    return out


SETTINGS = ("default", "pipeline")


def describe(settings: str) -> str:
    """How a report names the reference these settings give."""
    return "trafilatura's defaults" if settings == "default" else "the pipeline's settings"


def command(corpus: Path, processes: int, settings: str, limit: int | None = None) -> list[str]:
    """The command line that runs this module over a corpus (its last stdout line is the JSON result)."""
    cmd = [sys.executable, "-m", "bench.bare", str(corpus), "--processes", str(processes), "--settings", settings]
    return cmd + (["--limit", str(limit)] if limit else [])


def extraction_options(settings: str, max_date: str) -> dict:
    """Keyword arguments of bare_extraction besides the page and its URL."""
    if settings == "default":
        return {"with_metadata": True}
    return {
        "with_metadata": True,
        "include_comments": False,
        "favor_precision": True,
        "date_extraction_params": {"extensive_search": True, "original_date": True, "max_date": max_date},
    }


def run(root: Path, limit: int | None = None, part: tuple[int, int] = (0, 1), settings: str = "default") -> dict:
    """Extract pages part[0], part[0] + part[1], ... of the corpus on core number part[0]."""
    from trafilatura import bare_extraction

    from bench.server import outlet_address

    try:
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[part[0] % len(cores)]})  # one core, explicitly
    except (AttributeError, OSError):
        pass
    pages = read_pages(root, lambda i: f"http://{outlet_address(i)}:8790", limit)[part[0] :: part[1]]
    options = extraction_options(settings, datetime.now().date().isoformat())
    words = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for url, html in pages:
        doc = bare_extraction(html, url=url, **options)
        words += len((doc.text or "").split()) if doc is not None else 0
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "pages": len(pages),
        "seconds": wall,
        "cpu_seconds": cpu,
        "pages_per_s": len(pages) / wall,
        "pages_per_cpu_s": len(pages) / cpu,
        "words": words,
        "settings": settings,
    }


def _run_part(args: tuple[Path, int | None, int, int, str]) -> dict:
    root, limit, index, processes, settings = args
    return run(root, limit, (index, processes), settings)


def run_parallel(root: Path, limit: int | None, processes: int, settings: str = "default") -> dict:
    """The pages split over `processes` processes at once; pages/s over the wall time of the slowest."""
    from multiprocessing import get_context

    with get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_run_part, [(root, limit, i, processes, settings) for i in range(processes)])
    pages = sum(p["pages"] for p in parts)
    seconds = max(p["seconds"] for p in parts)
    return {
        "pages": pages,
        "processes": processes,
        "seconds": seconds,
        "pages_per_s": pages / seconds,
        "cpu_seconds": sum(p["cpu_seconds"] for p in parts),
        "parts_pages_per_s": [p["pages_per_s"] for p in parts],
        "settings": settings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--settings", choices=SETTINGS, default="default")
    args = parser.parse_args()
    if args.processes <= 1:
        result = run(args.corpus, args.limit, settings=args.settings)
    else:
        result = run_parallel(args.corpus, args.limit, args.processes, args.settings)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
