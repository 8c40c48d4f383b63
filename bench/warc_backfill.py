"""Backfill from a multi-GB CC-NEWS layout WARC, against bare trafilatura on the same pages, in one run.

    python -m bench.warc_backfill [--gb 2] [--foreign 0.9] [--outlets 40] [--work DIR] [--keep]

1. Generates the pages of `--outlets` configured outlets (bench.pages) and a pool of pages of other
   outlets, and writes WARC files in CC-NEWS layout (bench.ccnews: one gzip member per record; request,
   response and metadata records per capture; CC-NEWS-<time>-<n>.warc.gz, about 1 GB each) holding about
   `--gb` GB, `--foreign` of the captures from 900 hosts not in the sources CSV, in random order.
2. Bare trafilatura on every core at once over the configured outlets' pages (bench.bare).
3. `forumwatch backfill --start D1 --end D2 --sources CSV --db FILE --warc DIR` in a child process talking
   to one Prefect server started for the bench; the peak RSS of its process tree is sampled. The outlets'
   loopback addresses answer 404 to everything (feed, robots.txt, sitemaps gone), so the WARC files are
   the only input.
Prints the WARC size, records, both pages/s, their ratio, the peak RSS and the seconds spent stepping
over other outlets' records; the generated files (in a new folder in /tmp, or in --work) are deleted unless --keep.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import get_context
from pathlib import Path

from bench import bare as bare_bench
from bench import ccnews
from bench.pages import SEED, TEMPLATE_KINDS, generate, load_corpus
from bench.run_all import ROOT, TreeMemory, prefect_api
from bench.server import outlet_address, write_sources

CAPTURE_BYTES = {"real": 25_400, "generated": 21_000}  # a capture's three records, gzipped (level 6): measured means
FOREIGN_POOL = 1500  # distinct pages of other outlets, each reused under many hosts and paths
FOREIGN_HOSTS = 900
PORT = 8790  # the base bench.bare gives the pages (nothing listens there during the backfill)


def _captures(meta: dict, foreign: dict, n_foreign: int, seed: int) -> list[tuple]:
    """The captures in file order: ('in', page index) or ('out', foreign page index, host, n)."""
    rng = random.Random(seed)
    items: list[tuple] = [("in", i) for i in range(len(meta["pages"]))]
    items += [("out", rng.randrange(len(foreign["pages"])), rng.randrange(FOREIGN_HOSTS), n) for n in range(n_foreign)]
    rng.shuffle(items)
    return items


def _write_file(args: tuple[Path, Path, Path, list[tuple]]) -> int:
    """Write one WARC file (in a worker process); its size."""
    path, corpus, foreign_root, items = args
    meta, foreign = load_corpus(corpus), load_corpus(foreign_root)
    slugs = {o["slug"]: i for i, o in enumerate(meta["outlets"])}
    crawl_day = datetime.fromisoformat(meta["crawl_day"])
    cache: dict[int, bytes] = {}

    def captures():
        for item in items:
            if item[0] == "in":
                page = meta["pages"][item[1]]
                base = f"http://{outlet_address(slugs[page['outlet']])}:{PORT}"
                root, path_, when = corpus, page["path"], datetime.fromisoformat(page["published_at"])
            else:
                page = foreign["pages"][item[1]]
                base = f"https://www.news{item[2]}.example"
                root, path_, when = foreign_root, page["path"].replace(".html", f"-{item[3]}.html"), crawl_day
            raw = cache.get(item[1]) if item[0] == "out" else None
            if raw is None:
                raw = (root / page["outlet"] / page["path"].lstrip("/")).read_bytes()
                if item[0] == "out":
                    cache[item[1]] = raw
            fetched = min(when + timedelta(minutes=30), crawl_day)
            yield base + path_, raw.replace(b"__BASE__", base.encode()), fetched

    return ccnews.write(path, captures())


def bare_with_cpu(corpus: Path, processes: int, settings: str = "default") -> dict:
    """bench.bare on every core at once (as run_all.run_bare), with the CPU seconds of its process tree."""
    proc = subprocess.Popen(
        bare_bench.command(corpus, processes, settings), cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    memory = TreeMemory(proc.pid)
    out, _ = proc.communicate()
    memory.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"bench.bare failed ({proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["cpu_seconds"] = sum(memory.cpu_by_role().values())
    return result


def _phase_seconds(log: str) -> float | None:
    """Seconds from the end of the feeds step to the end of the WARC step (read, extract, load)."""
    stamps = {}
    for name in ("fetch_feeds", "extract_archive"):
        found = re.search(rf"^(\d\d):(\d\d):(\d\d\.\d+) \| INFO +\| Task run '{name}-\w+' - Finished", log, re.M)
        if found:
            h, m, sec = found.groups()
            stamps[name] = int(h) * 3600 + int(m) * 60 + float(sec)
    if len(stamps) < 2:
        return None
    return (stamps["extract_archive"] - stamps["fetch_feeds"]) % 86400


def make_warc(work: Path, gb: float, foreign_share: float, outlets: int, kind: str = "real") -> dict:
    total = max(20, int(gb * 1e9 / CAPTURE_BYTES[kind]))
    n_in = max(10, round(total * (1 - foreign_share)))
    corpus, foreign_root, warc_dir = work / "corpus", work / "foreign", work / "warc"
    generate(corpus, n_in, outlets, SEED, kind=kind)
    generate(foreign_root, min(FOREIGN_POOL, total - n_in), 50, SEED + 1, kind=kind)
    meta, foreign = load_corpus(corpus), load_corpus(foreign_root)
    items = _captures(meta, foreign, total - n_in, SEED)
    n_files = max(1, round(gb))
    warc_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(meta["crawl_day"]).strftime("%Y%m%d%H%M%S")
    jobs = [
        (warc_dir / f"CC-NEWS-{stamp}-{k:05d}.warc.gz", corpus, foreign_root, items[k::n_files]) for k in range(n_files)
    ]
    with get_context("spawn").Pool(min(n_files, os.cpu_count() or 1)) as pool:
        sizes = pool.map(_write_file, jobs)
    shutil.rmtree(foreign_root)
    return {"corpus": corpus, "warc": warc_dir, "meta": meta, "bytes": sum(sizes), "captures": total, "in": n_in}


@contextlib.contextmanager
def gone_outlets(n: int):
    """HTTP servers on the outlets' loopback addresses that answer 404 to every request."""

    class Gone(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    servers = [ThreadingHTTPServer((outlet_address(i), PORT), Gone) for i in range(n)]
    for server in servers:  # a short poll: shutdown() waits one poll interval per server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def run_backfill(made: dict, work: Path, env: dict) -> dict:
    meta = made["meta"]
    sources = write_sources(meta, PORT, work / "sources.csv")
    crawl_day = datetime.fromisoformat(meta["crawl_day"]).date()
    db = work / "bench.duckdb"
    cmd = [str(Path(sys.executable).with_name("forumwatch")), "backfill", "--start", str(crawl_day - timedelta(days=5)),
           "--end", str(crawl_day), "--sources", str(sources), "--db", str(db), "--warc", str(made["warc"])]  # fmt: skip
    with gone_outlets(len(meta["outlets"])):  # (their shutdown after the command is not its time)
        t0 = time.time()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        memory = TreeMemory(proc.pid)
        out, _ = proc.communicate()
        seconds = time.time() - t0
        memory.stop()
    (work.parent / f"{work.name}-backfill.log").write_text(out, encoding="utf-8")
    found = re.search(
        r"WARC input: (\d+) records, (\d+) read, (\d+) stepped over unread \(([\d.]+) s\), (\d+) inf", out
    )
    if proc.returncode not in (0, 3) or found is None:  # 3: partial, as the unreachable feeds make it
        raise RuntimeError(f"backfill failed ({proc.returncode}):\n{out[-5000:]}")
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        loaded = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    records, read, stepped, skip_s, inflated = found.groups()
    return {
        "seconds": seconds,
        "cpu_seconds": sum(memory.cpu_by_role().values()),
        "warc_step_seconds": _phase_seconds(out),
        **memory.peaks_mb(),
        "records": int(records),
        "records_read": int(read),
        "records_stepped_over": int(stepped),
        "skip_seconds": float(skip_s),
        "records_inflated_to_skip": int(inflated),
        "articles_loaded": loaded,
        "cpu_by_role": memory.cpu_by_role(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gb", type=float, default=2.0, help="WARC bytes to write, in GB (default 2)")
    parser.add_argument("--foreign", type=float, default=0.9, help="share of captures from other outlets")
    parser.add_argument("--outlets", type=int, default=40)
    parser.add_argument("--work", type=Path, help="folder for the generated files (default: a new one in /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--templates", choices=TEMPLATE_KINDS, default="real", help="see bench.pages")
    parser.add_argument("--bare-settings", choices=bare_bench.SETTINGS, default="default", help="see bench.bare")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="forumwatch-warc-bench-", dir=args.work or "/tmp"))  # ours alone to delete
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    try:
        t0 = time.perf_counter()
        made = make_warc(work, args.gb, args.foreign, args.outlets, args.templates)
        generated = time.perf_counter() - t0
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        bare = bare_with_cpu(made["corpus"], cores, args.bare_settings)
        with prefect_api(env, work, None) as bench_env:
            backfill = run_backfill(made, work, bench_env)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    pages_per_s = made["in"] / backfill["seconds"]
    report = {
        "warc_bytes": made["bytes"],
        "captures": made["captures"],
        "captures_in_sources": made["in"],
        "generate_seconds": generated,
        "templates": args.templates,
        "bare_settings": args.bare_settings,
        "bare_pages_per_s": bare["pages_per_s"],
        "bare_processes": bare["processes"],
        "backfill_pages_per_s": pages_per_s,
        "ratio": pages_per_s / bare["pages_per_s"],
        "bare_cpu_seconds": bare["cpu_seconds"],
        "cpu_ratio": bare["cpu_seconds"] / backfill["cpu_seconds"],
        **backfill,
    }
    print(
        f"WARC: {made['bytes'] / 1e9:.2f} GB in {max(1, round(args.gb))} file(s), {backfill['records']} records "
        f"({made['captures']} captures x request/response/metadata + warcinfo); in sources: {made['in']} responses\n"
        f"pages built on {args.templates} templates; bare trafilatura = bare_extraction with "
        f"{bare_bench.describe(args.bare_settings)}, "
        f"{bare['processes']} processes at once: {bare['pages_per_s']:.1f} pages/s\n"
        f"backfill (whole command, Prefect start included): {backfill['seconds']:.1f} s, {pages_per_s:.1f} pages/s, "
        f"ratio {report['ratio']:.2f} x bare; {backfill['articles_loaded']} articles loaded\n"
        f"of which the WARC step (read, extract, load): {backfill['warc_step_seconds'] or 0:.1f} s, "
        f"{made['in'] / (backfill['warc_step_seconds'] or float('inf')):.1f} pages/s\n"
        f"CPU seconds of the process trees, same pages: bare {bare['cpu_seconds']:.0f}, backfill "
        f"{backfill['cpu_seconds']:.0f} (bare / backfill {report['cpu_ratio']:.2f}: the ratio on an idle machine "
        f"at best; load average at the end {os.getloadavg()[0]:.1f})\n"
        f"records read whole {backfill['records_read']}, stepped over unread {backfill['records_stepped_over']}, "
        f"inflated to skip {backfill['records_inflated_to_skip']} (small request/metadata records); "
        f"seconds skipping other outlets' records: {backfill['skip_seconds']:.1f}\n"
        f"peak RSS of the backfill's process tree: {backfill['peak_rss_mb']:.0f} MB (PSS, shared pages counted once, sampled every 5 s: "
        f"{backfill['peak_pss_mb']:.0f} MB; RSS by role {json.dumps(backfill['peak_rss_mb_by_role'])}); "
        f"CPU s by role: {json.dumps({k: round(v, 1) for k, v in backfill['cpu_by_role'].items()})}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
