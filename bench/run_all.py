"""forumwatch benchmark: `make bench` (or `python -m bench.run_all --help`).

1. Generates (or reuses, same day and parameters) a corpus of realistic 50-150 KB pages and serves it
   with feeds from one loopback address per outlet (127.0.1.1, 127.0.1.2, ...), crawl delay 0.
2. Runs the full ingest flow over it into a fresh DuckDB file (a child process: its time includes
   Prefect's start; the peak RSS of its whole process tree is sampled), `--repeat` times; then reruns
   the same day against the last database (every feed answers 304).
3. Runs bare trafilatura on one core over the same pages (bench.bare), and gives the ratio.
4. Loads `--load-articles` synthetic articles with tags and stories (bench.synth.load_bench).
5. Materialises every view of sql/views.sql over `--view-articles` synthetic articles.
6. Runs the dedupe benchmark (bench/dedupe/run.py) when it has a main().
Prints a report and writes it as JSON (--json).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT_FIELDS = (
    "pages",
    "bare_pages_per_s",
    "pipeline_pages_per_s",
    "ratio",
    "peak_rss_mb",
    "stages",
    "rerun_seconds",
    "load",
    "views",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.1.1", 0))
        return s.getsockname()[1]


def process_role(root_pid: int, pid: int, cmdline: list[str]) -> str:
    """What a process of the pipeline's tree is, for the CPU split."""
    line = " ".join(cmdline)
    if pid == root_pid:
        return "flow process (fetch, load, Prefect client)"
    if "multiprocessing" in line or "forkserver" in line or "dask" in line:
        return "extract workers"
    if "prefect" in line or "uvicorn" in line:
        return "Prefect server (temporary)"
    return "other"


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants (keeps the peak), and the CPU time
    of each of them (the last sample of a process that exits early is what it used, to 0.2 s)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import psutil

        self._proc = psutil.Process(pid)
        self.peak = 0
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (role, user + system seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    role = self.cpu[p.pid][0] if p.pid in self.cpu else process_role(self._proc.pid, p.pid, p.cmdline())
                    self.cpu[p.pid] = (role, times.user + times.system)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak

    def cpu_by_role(self) -> dict[str, float]:
        split: dict[str, float] = {}
        for role, seconds in self.cpu.values():
            split[role] = split.get(role, 0.0) + seconds
        return split


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pipeline(sources: Path, db: Path, env: dict, profile: Path | None = None, spy: Path | None = None) -> dict:
    """One ingest run in a child process: wall time from process start, peak tree RSS, stage times."""
    cmd = [sys.executable, "-m", "bench.pipeline", "--sources", str(sources), "--db", str(db)]
    if profile:
        cmd += ["--profile", str(profile)]
    if spy:  # sample every thread of every process of the tree (py-spy), collapsed stacks
        cmd = [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--subprocesses",
            "--rate",
            "40",
            "--format",
            "raw",
            "--output",
            str(spy),
            "--",
        ] + cmd
    cpu0 = _children_cpu()
    t0 = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(proc.pid)
    out, err = proc.communicate()
    peak = memory.stop()
    wall_total = time.time() - t0
    line = next((l for l in out.splitlines() if l.startswith("BENCH-RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"pipeline run failed ({proc.returncode}):\n{out[-3000:]}\n{err[-5000:]}")
    result = json.loads(line.split(" ", 1)[1])
    result["seconds"] = result["t_flow_end"] - t0  # process start -> flow returned (Prefect start included)
    result["process_seconds"] = wall_total
    result["peak_rss_mb"] = peak / 2**20
    result["cpu_seconds"] = _children_cpu() - cpu0
    result["cpu_by_role"] = memory.cpu_by_role()
    return result


def start_server(corpus: Path, port: int) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server", str(corpus), "--port", str(port)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("bench server did not start")
    return proc, Path(json.loads(line)["sources"])


def run_bare(corpus: Path, limit: int | None, processes: int = 1) -> dict:
    cmd = [sys.executable, "-m", "bench.bare", str(corpus), "--processes", str(processes)]
    cmd += ["--limit", str(limit)] if limit else []
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_dedupe_bench() -> str | None:
    script = ROOT / "bench" / "dedupe" / "run.py"
    if not script.exists() or "def main(" not in script.read_text(encoding="utf-8"):
        return None
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else f"(dedupe bench failed: {done.stderr[-2000:]})"


def _median_run(runs: list[dict]) -> dict:
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return ordered[len(ordered) // 2]


def bench(args: argparse.Namespace) -> dict:
    from bench.pages import ensure_corpus

    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{args.pages}-{args.outlets}"
    t = time.perf_counter()
    meta = ensure_corpus(corpus, args.pages, args.outlets)
    sizes = [p["n_bytes"] for p in meta["pages"]]
    report: dict = {
        "pages": len(sizes),
        "outlets": args.outlets,
        "mean_page_kb": sum(sizes) / len(sizes) / 1024,
        "corpus_seconds": time.perf_counter() - t,
        "cores": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
    }
    env = {
        **os.environ,
        "FORUMWATCH_CRAWL_DELAY": "0",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": os.environ.get(
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"
        ),
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    }
    if args.prefect_home:
        env["PREFECT_HOME"] = str(args.prefect_home)
    elif "PREFECT_API_URL" not in env:
        env["PREFECT_HOME"] = str(work / "prefect-home")
    server, sources = start_server(corpus, args.port or _free_port())
    try:
        runs = []
        for i in range(args.repeat):
            db = work / f"run{i}" / "bench.duckdb"
            shutil.rmtree(db.parent, ignore_errors=True)
            profile = work / "profile.html" if args.profile and i == 0 else None
            spy = work / "py-spy.txt" if args.py_spy and i == 0 else None
            run = run_pipeline(sources, db, env, profile, spy)
            if spy:
                from bench.profile_summary import summarise

                report["profile"] = summarise(spy)
            runs.append(run)
            print(
                f"  pipeline run {i + 1}/{args.repeat}: {run['seconds']:.1f} s, peak {run['peak_rss_mb']:.0f} MB; "
                f"{run['message']}",
                file=sys.stderr,
            )
        reruns = []
        for i in range(args.repeat):
            rerun = run_pipeline(sources, db, env)
            reruns.append(rerun)
            print(f"  rerun {i + 1}/{args.repeat}: {rerun['seconds']:.1f} s; {rerun['message']}", file=sys.stderr)
    finally:
        server.stdin.close()
        server.terminate()
        server.wait()
    median = _median_run(runs)
    report["pipeline_runs_seconds"] = [r["seconds"] for r in runs]
    report["pipeline_seconds"] = median["seconds"]
    report["pipeline_flow_seconds"] = median["flow_seconds"]
    report["prefect_start_seconds"] = median["t_imported"] - median["t_start"]
    report["pipeline_pages_per_s"] = len(sizes) / median["seconds"]
    report["pipeline_cpu_seconds"] = sum(median["cpu_by_role"].values()) or median["cpu_seconds"]
    report["pipeline_cpu_by_role"] = median["cpu_by_role"]
    report["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    report["stages"] = median.get("stages", {})
    report["tasks_span_seconds"] = median.get("tasks_span_seconds")
    report["pipeline_message"] = median["message"]
    report["stages_error"] = median.get("stages_error")
    report["rerun_runs_seconds"] = [r["seconds"] for r in reruns]
    report["rerun_seconds"] = statistics.median(report["rerun_runs_seconds"])
    report["rerun_message"] = reruns[-1]["message"]

    bare_runs = [run_bare(corpus, args.bare_limit) for _ in range(args.bare_repeat)]
    bare = sorted(bare_runs, key=lambda b: b["pages_per_s"])[len(bare_runs) // 2]
    report["bare"] = bare
    report["bare_runs_pages_per_s"] = [b["pages_per_s"] for b in bare_runs]
    report["bare_pages_per_s"] = bare["pages_per_s"]
    report["bare_pages_per_cpu_s"] = bare["pages_per_cpu_s"]
    report["ratio"] = report["pipeline_pages_per_s"] / report["bare_pages_per_s"]
    print(f"  bare trafilatura: {bare['pages_per_s']:.1f} pages/s", file=sys.stderr)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores > 1:  # what this machine gives when every core runs trafilatura: the pipeline's ceiling
        parallel = run_bare(corpus, args.bare_limit, processes=cores)
        report["bare_parallel"] = parallel
        report["parallel_scaling"] = parallel["pages_per_s"] / report["bare_pages_per_s"]
        report["ratio_to_parallel"] = report["pipeline_pages_per_s"] / parallel["pages_per_s"]
        print(f"  bare trafilatura on {cores} processes: {parallel['pages_per_s']:.1f} pages/s", file=sys.stderr)

    if args.load_articles:
        from bench.synth import load_bench

        report["load"] = load_bench(args.load_articles, args.load_batch)
        print(f"  load: {report['load']['seconds']:.1f} s", file=sys.stderr)
    else:
        report["load"] = None
    if args.view_articles:
        from bench.synth import views_bench

        report["views"] = views_bench(args.view_articles, repeat=args.view_repeat)
    else:
        report["views"] = None
    if not args.no_dedupe:
        report["dedupe_bench"] = run_dedupe_bench()
    report["loadavg_end"] = os.getloadavg()
    return report


def render(r: dict) -> str:
    lines = [
        f"forumwatch bench: {r['pages']} pages ({r['mean_page_kb']:.0f} KB mean) from {r['outlets']} loopback hosts, "
        f"{r['cores']} cores; load average {r['loadavg_start'][0]:.1f} at start, {r['loadavg_end'][0]:.1f} at end",
        "",
        f"{'measure':44} {'value':>12}  target",
        f"{'bare trafilatura, 1 core (pages/s)':44} {r['bare_pages_per_s']:12.1f}  "
        f"(per CPU-second {r['bare_pages_per_cpu_s']:.1f}; runs {', '.join(f'{x:.1f}' for x in r['bare_runs_pages_per_s'])})",
        f"{'pipeline end to end (pages/s)':44} {r['pipeline_pages_per_s']:12.1f}  "
        f"(median of {len(r['pipeline_runs_seconds'])}: {', '.join(f'{x:.1f}' for x in r['pipeline_runs_seconds'])} s)",
        f"{'ratio pipeline / bare':44} {r['ratio']:12.2f}  >= 1.5",
    ]
    if r.get("bare_parallel"):
        p = r["bare_parallel"]
        lines += [
            f"{'bare trafilatura, ' + str(p['processes']) + ' processes at once (pages/s)':44} {p['pages_per_s']:12.1f}  "
            f"(scaling {r['parallel_scaling']:.2f}x over 1 process: this machine's ceiling for the ratio)",
            f"{'ratio pipeline / bare on every core':44} {r['ratio_to_parallel']:12.2f}",
        ]
    lines += [
        f"{'pipeline seconds (incl. Prefect start)':44} {r['pipeline_seconds']:12.1f}  "
        f"(Prefect/import start {r['prefect_start_seconds']:.1f} s; CPU of the tree {r['pipeline_cpu_seconds']:.0f} s)",
        f"{'peak RSS of the process tree (MB)':44} {r['peak_rss_mb']:12.0f}  < 2048",
        f"{'rerun, nothing new (s, incl. Prefect start)':44} {r['rerun_seconds']:12.1f}  < 15 "
        f"(runs {', '.join(f'{x:.1f}' for x in r['rerun_runs_seconds'])})",
    ]
    if r.get("load"):
        ld = r["load"]
        lines.append(
            f"{'load ' + str(ld['articles']) + ' articles + tags + stories (s)':44} {ld['seconds']:12.1f}  < 60 "
            f"(batch {ld['batch_size']}: " + ", ".join(f"{k} {v:.1f}" for k, v in ld["stages"].items()) + ")"
        )
    if r.get("pipeline_cpu_by_role"):
        lines += ["", f"CPU seconds of the pipeline's processes ({r['pages']} pages; ms per page):"]
        lines += [
            f"  {role:44} {sec:8.1f} s {1000 * sec / r['pages']:7.1f} ms"
            for role, sec in sorted(r["pipeline_cpu_by_role"].items(), key=lambda kv: -kv[1])
        ]
    lines += [
        "",
        "stage times (Prefect task runs; fetch, extract and load overlap):",
        f"  {'task':16} {'runs':>5} {'sum s':>9} {'max s':>8}",
    ]
    for name, s in sorted(r["stages"].items(), key=lambda kv: -kv[1]["seconds"]):
        lines.append(f"  {name:16} {s['runs']:5d} {s['seconds']:9.1f} {s['max_seconds']:8.2f}")
    if r.get("stages_error"):
        lines.append(f"  (no stage times: {r['stages_error']})")
    if r.get("profile"):
        lines += ["", "profile (py-spy samples of every process of the first run, CPU only):"]
        lines += [f"  {name:44} {share:6.1%}" for name, share in r["profile"].items()]
    if r.get("views"):
        v = r["views"]
        lines += ["", f"views over {v['articles']} articles (materialised, median s; target < 1 s):"]
        for name, s in v["views"].items():
            lines.append(
                f"  {name:28} {s['seconds']:8.2f} s {s['rows']:>10} rows{'' if s['seconds'] < 1 else '   OVER'}"
            )
    if r.get("dedupe_bench"):
        lines += ["", "dedupe bench (bench/dedupe/run.py):", r["dedupe_bench"].rstrip()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--outlets", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="pipeline runs and reruns (median reported)")
    parser.add_argument("--bare-repeat", type=int, default=1, help="bare trafilatura runs (median reported)")
    parser.add_argument("--bare-limit", type=int, help="bare trafilatura over the first N pages only")
    parser.add_argument("--load-articles", type=int, default=100_000)
    parser.add_argument("--load-batch", type=int, default=1000)
    parser.add_argument("--view-articles", type=int, default=1_000_000)
    parser.add_argument("--view-repeat", type=int, default=3)
    parser.add_argument("--no-dedupe", action="store_true", help="skip bench/dedupe")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of the first pipeline run")
    parser.add_argument("--py-spy", action="store_true", help="py-spy profile (all processes) of the first run")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "forumwatch-bench"))
    parser.add_argument("--prefect-home", help="PREFECT_HOME for the runs (default: WORKDIR/prefect-home)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--json", help="write the report here as JSON")
    args = parser.parse_args(argv)
    report = bench(args)
    print(render(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
