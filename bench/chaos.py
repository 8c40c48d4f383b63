"""make chaos: SIGKILL, SIGTERM and SIGINT at random moments of ingest, backfill, reprocess, retag and export.

    python -m bench.chaos --rounds 12 --pages 300 --outlets 6 --out bench/out/chaos

A bench corpus is served on loopback addresses (bench/server.py); one Prefect server (a child of this
process) takes every run's reports. First each command runs once uninterrupted (timing it). Then each round
picks a command, a signal and a moment within that command's duration, signals the command's process
(not its group: workers and servers must follow by themselves), waits for it to end, reruns it to the
end and checks the invariants:

- exit codes: 130 after SIGINT, 143 after SIGTERM (or the command's normal code if it had finished);
- no process of the command left (found by a marker in their environment), after the signal and the rerun;
- every article present once (count = distinct URLs) and, after the rerun, as many as after the first
  uninterrupted ingest: nothing lost, nothing duplicated (an interrupted ingest starts from an empty
  database, so its signal lands among real loads);
- no run left `running` after a rerun (the rerun marks a killed run `interrupted`);
- the read copy opens, holds as many articles as the main file, and no temp file is left beside it;
- the main file passes forumwatch.db.check_target (not damaged).

Prints one line per round and a summary; writes results.json under --out. Exit status 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

from bench import own_folder
from bench.pages import ensure_corpus
from bench.server import serve, write_sources
from forumwatch import db as fwdb
from forumwatch.flows.stop import LATE_STOP
from forumwatch.tempserver import start_temporary_server, stop_server

COMMANDS = ("ingest", "backfill", "reprocess", "retag", "export")
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGTERM": signal.SIGTERM, "SIGINT": signal.SIGINT}
EXPECTED = {"SIGINT": 130, "SIGTERM": 143, "SIGKILL": -signal.SIGKILL}
MARK = "FORUMWATCH_CHAOS_MARK"
FORUMWATCH = str(Path(sys.executable).with_name("forumwatch"))


def marked(value: str) -> list[str]:
    """Command lines of the processes whose environment holds MARK=value."""
    needle = f"{MARK}={value}\x00".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if needle in handle.read() + b"\x00":
                    with open(f"/proc/{entry}/cmdline", "rb") as cmd:
                        found.append(f"{entry}: " + cmd.read().replace(b"\x00", b" ").decode(errors="replace")[:120])
        except OSError:
            continue
    return found


def wait_gone(value: str, seconds: float = 10) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := marked(value)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


class Chaos:
    def __init__(self, out: Path, sources: Path, days: tuple[str, str], env: dict) -> None:
        self.out, self.sources, self.days, self.env = out, sources, days, env
        self.db = out / "fw.duckdb"
        self.n = 0

    def argv(self, command: str) -> list[str]:
        db = ["--db", str(self.db)]
        if command == "ingest":
            return ["ingest", "--sources", str(self.sources), *db]
        if command == "backfill":
            start, end = self.days
            return [
                "backfill",
                "--start",
                start,
                "--end",
                end,
                "--sources",
                str(self.sources),
                "--reprocess",
                "all",
                *db,
            ]
        if command == "export":
            return ["export", "--parquet", str(self.out / f"export-{self.n}"), *db]
        return [command, *db]

    def start(self, command: str, tag: str) -> subprocess.Popen:
        self.n += 1
        log = self.out / "logs" / f"{self.n:03d}-{command}-{tag}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(
            [FORUMWATCH, *self.argv(command)],
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            env={**self.env, MARK: tag},
            start_new_session=True,
        )

    def log_text(self, tag: str) -> str:
        """What the command run under `tag` printed."""
        return "".join(p.read_text(errors="replace") for p in (self.out / "logs").glob(f"*-{tag}.log"))

    def run(self, command: str, tag: str, timeout: float = 900) -> tuple[int, float]:
        started = time.monotonic()
        proc = self.start(command, tag)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            code = proc.wait()
        return code, time.monotonic() - started

    def counts(self) -> dict:
        if not self.db.exists():  # stopped before it created the file
            return {"articles": 0, "distinct": 0, "running": 0}
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'runs'").fetchone()[0]:
                return {
                    "articles": 0,
                    "distinct": 0,
                    "running": 0,
                }  # stopped after creating the file, before the schema
            n, distinct = con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
            running = con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0]
        finally:
            con.close()
        return {"articles": n, "distinct": distinct, "running": running}

    def read_copy(self) -> dict:
        copy = fwdb.read_copy_path(self.db)
        temps = [p.name for p in copy.parent.glob(copy.name + ".tmp*")]
        try:
            con = duckdb.connect(str(copy), read_only=True)
            try:
                n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            finally:
                con.close()
        except (duckdb.Error, OSError) as exc:
            return {"copy_articles": None, "copy_error": str(exc)[:200], "temps": temps}
        return {"copy_articles": n, "temps": temps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--outlets", type=int, default=6)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--out", type=Path, default=Path("bench/out/chaos"))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    out = args.out.resolve()

    own_folder.remake(out, also_ours=("sources.csv",))
    corpus = out.parent / "chaos-corpus"
    meta = ensure_corpus(corpus, args.pages, args.outlets)
    serve(corpus, args.port)
    sources = write_sources(meta, args.port, out / "sources.csv")
    days = sorted(p["published_at"][:10] for p in meta["pages"] if p.get("published_at"))
    days = (days[0], days[-1]) if days else (str(date.today()), str(date.today()))
    server, api = start_temporary_server()
    env = {
        **os.environ,
        "PREFECT_API_URL": api,
        "PREFECT_CLIENT_MAX_RETRIES": "12",
        "FORUMWATCH_CRAWL_DELAY": "0",
        "FORUMWATCH_BATCH_SIZE": "25",
        "FORUMWATCH_EXTRACT_WORKERS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    chaos = Chaos(out, sources, days, env)
    results: list[dict] = []
    failures = 0
    try:
        durations = {}
        for command in COMMANDS:  # uninterrupted first runs: the database, the archive, each command's duration
            code, seconds = chaos.run(command, f"first-{command}")
            durations[command] = seconds
            print(f"first {command}: exit {code} in {seconds:.1f}s", flush=True)
            if code not in (0, 3):
                print(f"chaos: the uninterrupted {command} failed (exit {code}); see {out / 'logs'}")
                return 1
        baseline = chaos.counts()["articles"]
        shared = chaos.db
        print(f"baseline: {baseline} articles", flush=True)
        for number in range(1, args.rounds + 1):
            command = COMMANDS[(number - 1) % len(COMMANDS)]  # every command in turn; signal and moment at random
            name = rng.choice(list(SIGNALS))
            moment = rng.uniform(0.3, durations[command] * 0.9)
            tag = f"round-{number}"
            # an ingest starts from an empty database (with the others' archive beside it) so the signal lands
            # among real loads; the other commands work on the shared database
            chaos.db = out / f"ingest-{number}" / "fw.duckdb" if command == "ingest" else shared
            chaos.db.parent.mkdir(parents=True, exist_ok=True)
            proc = chaos.start(command, tag)
            time.sleep(moment)
            finished_first = proc.poll() is not None
            sent = time.monotonic()
            if not finished_first:
                os.kill(proc.pid, SIGNALS[name])
            try:
                code = proc.wait(120)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                code = "hung"
            stop_seconds = time.monotonic() - sent
            left_after_signal = wait_gone(tag)
            after_signal = chaos.counts()
            rerun_code, _ = chaos.run(command, f"{tag}-rerun")
            left_after_rerun = wait_gone(f"{tag}-rerun")
            after = chaos.counts()
            copy = chaos.read_copy()
            try:
                fwdb.check_target(chaos.db)
                damaged = None
            except fwdb.DatabaseError as exc:
                damaged = str(exc)
            problems = []
            # -N: the signal came before the command installed its handlers (interpreter start-up); a shell
            # reports that as 128+N too, and nothing was opened yet
            # 0: the signal came after the run's last batch boundary, so it completed and said so (forumwatch.cli)
            late = code == 0 and LATE_STOP in chaos.log_text(tag)
            if not finished_first and not late and code not in (EXPECTED[name], -SIGNALS[name]):
                problems.append(f"exit {code}, expected {EXPECTED[name]}")
            if not finished_first and name != "SIGKILL" and stop_seconds > 15:
                problems.append(f"took {stop_seconds:.1f}s to stop")
            if left_after_signal or left_after_rerun:
                problems.append(f"processes left: {left_after_signal + left_after_rerun}")
            if after_signal["articles"] != after_signal["distinct"] or after["articles"] != after["distinct"]:
                problems.append("an article is stored twice")
            if after["articles"] != baseline:
                problems.append(f"{after['articles']} articles after the rerun, {baseline} before the round")
            if rerun_code not in (0, 3):
                problems.append(f"rerun exit {rerun_code}")
            if after["running"]:
                problems.append(f"{after['running']} run(s) left running")
            if copy.get("copy_articles") != after["articles"] or copy["temps"]:
                problems.append(f"read copy: {copy}")
            if damaged:
                problems.append(damaged)
            failures += bool(problems)
            row = {
                "round": number,
                "command": command,
                "signal": name,
                "at_seconds": round(moment, 1),
                "finished_before_signal": finished_first,
                "exit": code,
                "stop_seconds": round(stop_seconds, 1),
                "articles_after_signal": after_signal["articles"],
                "rerun_exit": rerun_code,
                "articles_after_rerun": after["articles"],
                "problems": problems,
            }
            results.append(row)
            print(
                f"round {number:2d}: {command:9s} {name:7s} at {moment:5.1f}s -> exit {code} in {stop_seconds:4.1f}s; "
                f"{after_signal['articles']} articles, rerun exit {rerun_code}, {after['articles']} articles: "
                + ("ok" if not problems else "PROBLEMS " + "; ".join(problems)),
                flush=True,
            )
    finally:
        stop_server(server)
        summary = {"rounds": results, "failed_rounds": failures, "pages": args.pages, "seed": args.seed}
        (out / "results.json").write_text(json.dumps(summary, indent=2, default=str))
    print(f"chaos: {len(results)} rounds, {failures} with problems (details in {out / 'results.json'})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
