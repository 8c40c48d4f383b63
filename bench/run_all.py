"""forumwatch benchmark: `make bench` (or `python -m bench.run_all --help`). What users get, at the default
crawl delay:

1. Generates (or reuses, same day and parameters) a corpus of realistic 50-150 KB pages from `--outlets`
   outlets, each with its feed, and serves it from loopback addresses (127.0.1.1, 127.0.1.2, ...).
2. Measures bare trafilatura on every core at once over the same pages (bench.bare): the extraction bound.
3. Runs the ingest flow (a child process talking to one Prefect server started for the bench, as a
   deployment does; the peak RSS of its process tree is sampled), `--repeat` times each, over
   - many hosts: one host per outlet, the default crawl delay (1 s);
   - few hosts: the outlets on `--few-hosts` hosts, the default crawl delay (politeness-bound);
   - crawl delay 0: as many hosts, no delay (extraction-bound: the pipeline against bare trafilatura);
   and prints for each the lower bound (the larger of the busiest host's pages x its delay, and the pages
   at bare trafilatura's pages/s on every core), the flow's time (median) and their ratio; then a rerun
   with nothing new (every feed answers 304).
4. Bare trafilatura on one core over `--bare-limit-one-core` pages, for the old per-core ratio.
5. Loads `--load-articles` synthetic articles with tags and stories (bench.synth.load_bench).
6. Materialises every view of sql/views.sql over `--view-articles` synthetic articles.
7. Runs the dedupe benchmark (bench/dedupe/run.py) when it has a main().
Prints a report and writes it as JSON (--json).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import bare as bare_bench
from bench.pages import TEMPLATE_KINDS

ROOT = Path(__file__).resolve().parents[1]
REPORT_FIELDS = (
    "pages",
    "scenarios",
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
    if "py-spy" in line:  # with --py-spy the root is the profiler and the flow process its child
        return "py-spy (profiler)"
    if pid == root_pid or "bench.pipeline" in line:
        return "flow process (fetch, load, Prefect client)"
    if "multiprocessing" in line or "forkserver" in line or "dask" in line:
        return "extract workers"
    if "prefect" in line or "uvicorn" in line:
        return "Prefect server (temporary)"
    return "other"


def _summed_pss(procs: list) -> int:
    """The summed PSS of these processes (RSS where the system gives no PSS); those gone are left out."""
    import psutil

    total = 0
    for p in procs:
        try:
            memory = p.memory_full_info()
        except psutil.Error:
            continue
        total += getattr(memory, "pss", memory.rss)
    return total


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants (keeps the peak), and the CPU time
    of each of them (the last sample of a process that exits early is what it used, to 0.2 s).

    RSS comes from /proc/PID/statm (microseconds). The proportional set size (PSS: shared pages counted once)
    needs /proc/PID/smaps_rollup, which makes the kernel walk every page table of the process (15 ms for a
    700 MB flow process, holding its memory map lock): sampled every 0.2 s it took 2.9 CPU-s of the two cores
    from a 2,000-page run and slowed the flow by 2 s. So the PSS is sampled every `pss_interval` seconds only
    (its peak is a lower estimate)."""

    def __init__(self, pid: int, interval: float = 0.2, pss_interval: float = 5.0) -> None:
        import psutil

        self._proc = psutil.Process(pid)
        self.peak = 0
        self.peak_pss = 0  # proportional set size: pages a forked worker shares with its parent are counted once
        self.peak_by_role: dict[str, int] = {}  # the largest RSS each role reached, summed over its processes
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (role, user + system seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval, pss_interval), daemon=True)
        self._thread.start()

    def _run(self, interval: float, pss_interval: float) -> None:
        import psutil

        next_pss = time.monotonic() + 1.0  # the first once the run's processes have started
        while not self._stop.is_set():
            total = 0
            by_role: dict[str, int] = {}
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    total += rss
                    times = p.cpu_times()
                    role = self.cpu.get(p.pid, ("other", 0.0))[0]
                    if role == "other":  # also asked again: a process just forked may show an empty command line
                        role = process_role(self._proc.pid, p.pid, p.cmdline())
                    self.cpu[p.pid] = (role, times.user + times.system)
                    by_role[role] = by_role.get(role, 0) + rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            for role, rss in by_role.items():
                self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss)
            if time.monotonic() >= next_pss:
                self.peak_pss = max(self.peak_pss, _summed_pss(procs))
                next_pss = time.monotonic() + pss_interval
            self._stop.wait(interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak

    def peaks_mb(self) -> dict:
        """The peaks in MB, as the reports name them: the tree's RSS and PSS, and the RSS by role."""
        return {
            "peak_rss_mb": self.peak / 2**20,
            "peak_pss_mb": self.peak_pss / 2**20,
            "peak_rss_mb_by_role": {role: round(rss / 2**20) for role, rss in self.peak_by_role.items()},
        }

    def cpu_by_role(self) -> dict[str, float]:
        split: dict[str, float] = {}
        for role, seconds in self.cpu.values():
            split[role] = split.get(role, 0.0) + seconds
        return split


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all its threads) a live process has used so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_pipeline(sources: Path, db: Path, env: dict, profile: Path | None = None, spy: Path | None = None) -> dict:
    """One ingest run in a child process: wall time from process start, peak tree RSS, stage times."""
    cmd = [sys.executable, "-m", "bench.pipeline", "--sources", str(sources), "--db", str(db)]
    if profile:
        cmd += ["--profile", str(profile)]
    if spy:  # sample every thread of every process of the tree (py-spy), collapsed stacks
        # --gil: only the thread holding the GIL: threads blocked in C (socket reads, queue waits) are not CPU, but
        # neither is C work that releases the GIL (DuckDB, zlib); without it, threads waiting on a lock count as busy
        spy_cmd = [str(Path(sys.executable).with_name("py-spy")), "record", "--subprocesses", "--rate", "40", "--gil"]
        cmd = spy_cmd + ["--format", "raw", "--output", str(spy), "--"] + cmd
    cpu0 = _children_cpu()
    t0 = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(proc.pid)
    out, err = proc.communicate()
    memory.stop()
    wall_total = time.time() - t0
    line = next((l for l in out.splitlines() if l.startswith("BENCH-RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"pipeline run failed ({proc.returncode}):\n{out[-3000:]}\n{err[-5000:]}")
    result = json.loads(line.split(" ", 1)[1])
    result["seconds"] = result["t_flow_end"] - t0  # process start -> flow returned (Prefect start included)
    result["process_seconds"] = wall_total
    result.update(memory.peaks_mb())
    result["cpu_seconds"] = _children_cpu() - cpu0
    result["cpu_by_role"] = memory.cpu_by_role()
    return result


def start_server(corpus: Path, port: int, hosts: int = 0, crawl_delay: str = "0") -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.server",
            str(corpus),
            "--port",
            str(port),
            "--hosts",
            str(hosts),
            "--crawl-delay",
            crawl_delay,
        ],  # fmt: skip
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("bench server did not start")
    return proc, Path(json.loads(line)["sources"])


def run_bare(corpus: Path, limit: int | None, processes: int = 1, settings: str = "default") -> dict:
    cmd = bare_bench.command(corpus, processes, settings, limit)
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


DEFAULT_DELAY = 1.0  # FetchSettings.crawl_delay: what a user who sets nothing gets


def busiest_host(meta: dict, hosts: int) -> int:
    """Pages on the host that carries the most (outlet i is on host i mod `hosts`; 0: one host per outlet)."""
    from bench.server import host_of_outlet

    slugs = {o["slug"]: i for i, o in enumerate(meta["outlets"])}
    counts: dict[int, int] = {}
    for page in meta["pages"]:
        host = host_of_outlet(slugs[page["outlet"]], hosts)
        counts[host] = counts.get(host, 0) + 1
    return max(counts.values())


def scenario(
    name: str, corpus: Path, meta: dict, hosts: int, delay: float | None, args, env: dict, work: Path, paired=None
) -> dict:
    """`--repeat` ingest runs over the corpus served from `hosts` addresses at a crawl delay (None: the
    default), each into a fresh database; after the `--reruns-after` scenario, its last database is rerun
    `--reruns` times (nothing new). With `paired` (a bare trafilatura run), it runs right before each ingest
    run and the row gets the ratio of each pair: on a shared machine the load changes from minute to minute."""
    server, sources = start_server(corpus, args.port or _free_port(), hosts, "" if delay is None else f"{delay:g}")
    seconds_delay = DEFAULT_DELAY if delay is None else delay
    out: dict = {"name": name, "hosts": hosts or len(meta["outlets"]), "crawl_delay": seconds_delay}
    out["busiest_host_pages"] = busiest_host(meta, hosts)
    try:
        runs, bares = [], []
        for i in range(args.repeat):
            if paired is not None:
                bares.append(paired())
            db = work / f"{name.replace(' ', '-')}-run{i}" / "bench.duckdb"
            shutil.rmtree(db.parent, ignore_errors=True)
            spy = work / f"py-spy-{name.replace(' ', '-')}.txt" if args.py_spy and i == 0 else None
            profile = work / "profile.html" if args.profile and i == 0 else None
            served = process_cpu(server.pid)
            run = run_pipeline(sources, db, env, profile, spy)
            run["page_server_cpu_seconds"] = process_cpu(server.pid) - served  # the outlets' work, on our cores
            if spy:
                from bench.profile_summary import summarise, top_functions

                out["profile"] = summarise(spy)
                out["profile_flow_top"] = top_functions(spy)
            runs.append(run)
            print(
                f"  {name} run {i + 1}/{args.repeat}: flow {run['flow_seconds']:.1f} s "
                f"(process {run['seconds']:.1f} s), peak {run['peak_rss_mb']:.0f} MB; {run['message']}",
                file=sys.stderr,
            )
        reruns = []
        for i in range(args.reruns if args.reruns_after == name else 0):
            rerun = run_pipeline(sources, db, env)
            reruns.append(rerun)
            print(f"  {name} rerun {i + 1}: {rerun['seconds']:.1f} s; {rerun['message']}", file=sys.stderr)
    finally:
        server.stdin.close()
        server.terminate()
        server.wait()
        for i in range(args.repeat if not args.keep_dbs else 0):
            shutil.rmtree(work / f"{name.replace(' ', '-')}-run{i}", ignore_errors=True)
    ordered = sorted(runs, key=lambda r: r["flow_seconds"])
    median = ordered[len(ordered) // 2]
    out.update(
        runs_flow_seconds=[r["flow_seconds"] for r in runs],
        runs_process_seconds=[r["seconds"] for r in runs],
        flow_seconds=median["flow_seconds"],
        process_seconds=median["seconds"],
        pages_per_s=len(meta["pages"]) / median["flow_seconds"],
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs),
        cpu_by_role=median["cpu_by_role"],
        flow_process_cpu={k: median.get(f"cpu_{k}_seconds") for k in ("imports", "flow")},
        page_server_cpu_seconds=median["page_server_cpu_seconds"],
        stages=median.get("stages", {}),
        stages_error=median.get("stages_error"),
        message=median["message"],
    )
    if bares:
        out["paired_bare_pages_per_s"] = [b["pages_per_s"] for b in bares]
        out["paired_ratios"] = [len(meta["pages"]) / r["flow_seconds"] / b["pages_per_s"] for r, b in zip(runs, bares)]
        out["paired_cpu_ms_per_page"] = {
            "bare": statistics.median(1000 * b["cpu_seconds"] / b["pages"] for b in bares),
            **{
                role: statistics.median(1000 * r["cpu_by_role"].get(role, 0.0) / len(meta["pages"]) for r in runs)
                for role in sorted({role for r in runs for role in r["cpu_by_role"]})
            },
        }
    if reruns:
        out["rerun_runs_seconds"] = [r["seconds"] for r in reruns]
        out["rerun_seconds"] = statistics.median(out["rerun_runs_seconds"])
        out["rerun_message"] = reruns[-1]["message"]
    return out


def with_bounds(row: dict, pages: int, parallel_pages_per_s: float) -> dict:
    """The lower bound of a scenario: the larger of politeness (the busiest host's pages x its delay) and
    extraction (all pages at bare trafilatura's pages/s on every core); the flow's time over it."""
    politeness = row["busiest_host_pages"] * row["crawl_delay"]
    extraction = pages / parallel_pages_per_s
    row["bound_politeness_seconds"] = politeness
    row["bound_extraction_seconds"] = extraction
    row["lower_bound_seconds"] = max(politeness, extraction)
    row["ratio_to_bound"] = row["flow_seconds"] / row["lower_bound_seconds"]
    row["ratio_to_bound_runs"] = [s / row["lower_bound_seconds"] for s in row["runs_flow_seconds"]]
    return row


def bench(args: argparse.Namespace) -> dict:
    from bench.pages import ensure_corpus

    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{args.pages}-{args.outlets}-{args.templates}"
    t = time.perf_counter()
    meta = ensure_corpus(corpus, args.pages, args.outlets, kind=args.templates)
    sizes = [p["n_bytes"] for p in meta["pages"]]
    report: dict = {
        "pages": len(sizes),
        "outlets": args.outlets,
        "templates": args.templates,
        "bare_settings": args.bare_settings,
        "mean_page_kb": sum(sizes) / len(sizes) / 1024,
        "corpus_seconds": time.perf_counter() - t,
        "cores": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    }
    env.pop("FORUMWATCH_CRAWL_DELAY", None)  # the sources CSV says which delay a scenario runs at
    t_all = time.perf_counter()
    with prefect_api(env, work, args.prefect_home) as env:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        parallels = [run_bare(corpus, args.bare_limit, cores, args.bare_settings) for _ in range(args.bare_repeat)]
        parallel = sorted(parallels, key=lambda b: b["pages_per_s"])[len(parallels) // 2]
        report["bare_parallel"] = parallel
        report["bare_parallel_runs_pages_per_s"] = [b["pages_per_s"] for b in parallels]
        print(f"  bare trafilatura on {cores} processes: {parallel['pages_per_s']:.1f} pages/s", file=sys.stderr)
        scenarios = [
            ("many hosts", args.outlets if args.many_hosts <= 0 else args.many_hosts, args.delay),
            ("few hosts", args.few_hosts, args.delay),
            ("crawl delay 0", args.outlets if args.many_hosts <= 0 else args.many_hosts, 0.0),
        ]
        rows = []
        for name, hosts, delay in scenarios:
            if name in args.skip:
                continue
            hosts = 0 if hosts >= args.outlets else hosts
            bare_pair = None
            if delay == 0 and args.paired:
                bare_pair = lambda: run_bare(corpus, args.bare_limit, cores, args.bare_settings)  # noqa: E731
            row = scenario(name, corpus, meta, hosts, delay, args, env, work, bare_pair)
            rows.append(with_bounds(row, len(sizes), parallel["pages_per_s"]))
        report["scenarios"] = rows
        zero = next((r for r in rows if r["crawl_delay"] == 0), rows[-1])
        report["pipeline_pages_per_s"] = zero["pages_per_s"]
        report["pipeline_row"] = zero["name"]  # another row's only when crawl delay 0 was skipped
        report["ratio_to_parallel"] = zero["pages_per_s"] / parallel["pages_per_s"]
        if zero.get("paired_ratios"):  # each run against the bare run just before it
            report["ratio_to_parallel"] = statistics.median(zero["paired_ratios"])
            report["ratio_to_parallel_runs"] = zero["paired_ratios"]
            report["paired_bare_pages_per_s"] = zero["paired_bare_pages_per_s"]
            report["paired_cpu_ms_per_page"] = zero["paired_cpu_ms_per_page"]
        report["peak_rss_mb"] = max(r["peak_rss_mb"] for r in rows)
        report["stages"] = zero["stages"]
        report["pipeline_cpu_by_role"] = zero["cpu_by_role"]
        report["flow_process_cpu"] = zero["flow_process_cpu"]
        report["page_server_cpu_seconds"] = zero["page_server_cpu_seconds"]
        report["pipeline_message"] = zero["message"]
        report["profile"] = next((r["profile"] for r in rows if r.get("profile")), None)
        report["profile_flow_top"] = next((r["profile_flow_top"] for r in rows if r.get("profile_flow_top")), None)
        rerun = next((r for r in rows if "rerun_seconds" in r), {})
        report["rerun_seconds"] = rerun.get("rerun_seconds")
        report["rerun_runs_seconds"] = rerun.get("rerun_runs_seconds", [])
        report["rerun_message"] = rerun.get("rerun_message")

    if args.bare_one_core:
        bare_runs = [run_bare(corpus, args.bare_limit_one_core, 1, args.bare_settings) for _ in range(args.bare_repeat)]
        bare = sorted(bare_runs, key=lambda b: b["pages_per_s"])[len(bare_runs) // 2]
        report["bare"] = bare
        report["bare_pages_per_s"] = bare["pages_per_s"]
        report["parallel_scaling"] = parallel["pages_per_s"] / bare["pages_per_s"]
        report["ratio"] = report["pipeline_pages_per_s"] / bare["pages_per_s"]
        print(f"  bare trafilatura, 1 core: {bare['pages_per_s']:.1f} pages/s", file=sys.stderr)
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
    report["bench_seconds"] = time.perf_counter() - t_all
    report["loadavg_end"] = os.getloadavg()
    return report


@contextlib.contextmanager
def prefect_api(env: dict, work: Path, home: str | None):
    """Every run talks to one Prefect server, as a deployment's runs do: PREFECT_API_URL if set, else a
    `prefect server start` for the whole bench (its start is not any run's time)."""
    if "PREFECT_API_URL" in env:
        yield env
        return
    home_dir = Path(home) if home else work / "prefect-home"
    home_dir.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**env, "PREFECT_HOME": str(home_dir), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    env.update(PREFECT_UI_ENABLED="false", PREFECT_SERVER_LOGGING_LEVEL="WARNING")
    log = open(home_dir / "server.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        import httpx

        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"prefect server exited:\n{(home_dir / 'server.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).json() is True:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("prefect server not healthy after 300 s")
            time.sleep(0.5)
        yield env
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def render(r: dict) -> str:
    p = r["bare_parallel"]
    lines = [
        f"forumwatch bench: {r['pages']} pages ({r['mean_page_kb']:.0f} KB mean) from {r['outlets']} outlets on "
        f"loopback hosts, {r['cores']} cores; load average {r['loadavg_start'][0]:.1f} at start, "
        f"{r['loadavg_end'][0]:.1f} at end; {r['bench_seconds'] / 60:.1f} min in all",
        f"pages built on {r.get('templates', 'generated')} templates; bare trafilatura = bare_extraction with "
        + bare_bench.describe(r.get("bare_settings", "default")),
        "",
        f"bare trafilatura on {p['processes']} processes at once: {p['pages_per_s']:.1f} pages/s "
        f"(runs {', '.join(f'{x:.1f}' for x in r['bare_parallel_runs_pages_per_s'])})",
        "",
        "what users get (flow time with a running Prefect server; lower bound = max(busiest host's pages x delay,",
        "pages / bare trafilatura pages/s on every core); median of the runs; target <= 1.25x):",
        f"  {'scenario':14} {'hosts':>5} {'delay':>5} {'busiest':>7} {'bound s':>8} {'flow s':>7} {'ratio':>6}  runs (flow s)",
    ]
    for row in r["scenarios"]:
        kind = "politeness" if row["bound_politeness_seconds"] >= row["bound_extraction_seconds"] else "extraction"
        lines.append(
            f"  {row['name']:14} {row['hosts']:5d} {row['crawl_delay']:5g} {row['busiest_host_pages']:7d} "
            f"{row['lower_bound_seconds']:8.1f} {row['flow_seconds']:7.1f} {row['ratio_to_bound']:6.2f}  "
            f"{', '.join(f'{x:.1f}' for x in row['runs_flow_seconds'])} ({kind}-bound; process incl. imports "
            f"{row['process_seconds']:.1f} s)"
        )
    row = r.get("pipeline_row", "crawl delay 0")
    label = "pipeline at crawl delay 0" if row == "crawl delay 0" else f"pipeline, {row} (no delay-0 row)"
    lines += [
        "",
        f"{label + ' (pages/s)':44} {r['pipeline_pages_per_s']:12.1f}",
        f"{'ratio pipeline / bare on every core':44} {r['ratio_to_parallel']:12.2f}  >= 1.0",
    ]
    if r.get("ratio_to_parallel_runs"):
        lines.append(
            f"  (median of each run against a bare run just before it: ratios "
            f"{', '.join(f'{x:.2f}' for x in r['ratio_to_parallel_runs'])}; bare pages/s "
            f"{', '.join(f'{x:.1f}' for x in r['paired_bare_pages_per_s'])})"
        )
        cpu = r["paired_cpu_ms_per_page"]
        lines.append(
            "  CPU ms per page (median): bare trafilatura "
            f"{cpu['bare']:.1f}; pipeline "
            + ", ".join(f"{role} {ms:.1f}" for role, ms in cpu.items() if role != "bare")
        )
        lines.append(
            f"  meanwhile the bench's page server (the outlets, on the real web) took "
            f"{1000 * r['page_server_cpu_seconds'] / r['pages']:.1f} ms a page of the same cores"
        )
    if r.get("bare"):
        lines += [
            f"{'bare trafilatura, 1 core (pages/s)':44} {r['bare_pages_per_s']:12.1f}  "
            f"(every core gives {r['parallel_scaling']:.2f}x one)",
            f"{'ratio pipeline / bare on 1 core':44} {r['ratio']:12.2f}",
        ]
    lines.append(f"{'peak RSS of the process tree (MB)':44} {r['peak_rss_mb']:12.0f}  < 2048")
    if r.get("rerun_seconds") is not None:
        lines.append(
            f"{'rerun, nothing new (s, process)':44} {r['rerun_seconds']:12.1f}  < 15 "
            f"(runs {', '.join(f'{x:.1f}' for x in r['rerun_runs_seconds'])})"
        )
    if r.get("load"):
        ld = r["load"]
        lines.append(
            f"{'load ' + str(ld['articles']) + ' articles + tags + stories (s)':44} {ld['seconds']:12.1f}  < 60 "
            f"(batch {ld['batch_size']}: " + ", ".join(f"{k} {v:.1f}" for k, v in ld["stages"].items()) + ")"
        )
    if r.get("pipeline_cpu_by_role"):
        lines += ["", f"CPU seconds of the pipeline's processes at crawl delay 0 ({r['pages']} pages; ms per page):"]
        lines += [
            f"  {role:44} {sec:8.1f} s {1000 * sec / r['pages']:7.1f} ms"
            for role, sec in sorted(r["pipeline_cpu_by_role"].items(), key=lambda kv: -kv[1])
        ]
    split = r.get("flow_process_cpu") or {}
    if split.get("imports") is not None and split.get("flow") is not None:
        lines.append(
            f"  {'  of the flow process: before the flow (imports)':44} {split['imports']:8.1f} s "
            f"{1000 * split['imports'] / r['pages']:7.1f} ms; in the flow {split['flow']:.1f} s "
            f"{1000 * split['flow'] / r['pages']:.1f} ms"
        )
    if r.get("stages"):
        lines += ["", "Prefect task runs at crawl delay 0:", f"  {'task':16} {'runs':>5} {'sum s':>9} {'max s':>8}"]
        for name, s in sorted(r["stages"].items(), key=lambda kv: -kv[1]["seconds"]):
            lines.append(f"  {name:16} {s['runs']:5d} {s['seconds']:9.1f} {s['max_seconds']:8.2f}")
    if r.get("profile"):
        lines += ["", "profile (py-spy samples of every process of the first run, CPU only):"]
        lines += [f"  {name:44} {share:6.1%}" for name, share in r["profile"].items()]
    if r.get("profile_flow_top"):
        lines += ["", "flow process only: its py-spy samples by the innermost forumwatch function (share of them):"]
        lines += [f"  {name:70} {share:6.1%}" for name, share in r["profile_flow_top"].items()]
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
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--outlets", type=int, default=100, help="outlets, each with its feed")
    parser.add_argument(
        "--templates", choices=TEMPLATE_KINDS, default="real", help="pages built on real saved pages or not"
    )
    parser.add_argument("--many-hosts", type=int, default=0, help="hosts of the many-hosts run (0: one per outlet)")
    parser.add_argument("--few-hosts", type=int, default=10, help="hosts the outlets share in the few-hosts run")
    parser.add_argument(
        "--skip", action="append", default=[], help="leave out a scenario: 'many hosts', 'few hosts', 'crawl delay 0'"
    )
    parser.add_argument(
        "--delay", type=float, help="crawl delay of the many- and few-hosts runs (default: the pipeline's, 1 s)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="ingest runs per scenario (median reported)")
    parser.add_argument("--reruns", type=int, default=3, help="reruns with nothing new (median reported)")
    parser.add_argument("--reruns-after", default="many hosts", help="the scenario whose last database is rerun")
    parser.add_argument("--keep-dbs", action="store_true", help="keep the runs' database files")
    parser.add_argument("--bare-repeat", type=int, default=1, help="bare trafilatura runs (median reported)")
    parser.add_argument(
        "--bare-settings",
        choices=bare_bench.SETTINGS,
        default="default",
        help="bare_extraction with trafilatura's defaults (issue 12's reference) or with the pipeline's settings",
    )
    parser.add_argument("--bare-limit", type=int, help="bare trafilatura on every core over the first N pages only")
    parser.add_argument("--bare-one-core", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--paired",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a bare trafilatura run right before each crawl-delay-0 run; the ratio is the median of the pairs",
    )
    parser.add_argument("--bare-limit-one-core", type=int, default=300, help="pages for bare trafilatura on 1 core")
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
