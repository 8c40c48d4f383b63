"""Run the ingest flow once (in this process) and print what it did and how long each stage took.

    python -m bench.pipeline --sources SOURCES.csv --db FILE [--profile OUT.html]

Meant to be started by bench.run_all as a child process (so the parent can measure the peak
memory of the whole process tree and the time including Prefect's start). Prints one JSON line.
"""

from __future__ import annotations

import time

T_START = time.time()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
from collections import defaultdict  # noqa: E402

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def task_durations(flow_run_id) -> dict:
    """Sum, count and max of the Prefect task run times, per task name."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    runs = []
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])), limit=200, offset=len(runs)
            )
            runs += page
            if len(page) < 200:
                break
    stages: dict[str, dict] = defaultdict(lambda: {"runs": 0, "seconds": 0.0, "max_seconds": 0.0})
    for run in runs:
        name = run.name.rsplit("-", 1)[0]
        seconds = run.total_run_time.total_seconds()
        stage = stages[name]
        stage["runs"] += 1
        stage["seconds"] += seconds
        stage["max_seconds"] = max(stage["max_seconds"], seconds)
    first = min((r.start_time for r in runs if r.start_time), default=None)
    last = max((r.end_time for r in runs if r.end_time), default=None)
    return {"stages": dict(stages), "tasks_span_seconds": (last - first).total_seconds() if first and last else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--profile", help="write a pyinstrument HTML profile of this process here")
    args = parser.parse_args()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="disabled")
        profiler.start()
    from forumwatch.flows.ingest import ingest

    t_import, cpu_import = time.time(), time.process_time()
    state = ingest(sources=args.sources, db=args.db, return_state=True)
    t_flow_end, cpu_flow_end = time.time(), time.process_time()
    if profiler is not None:
        profiler.stop()
        with open(args.profile, "w", encoding="utf-8") as handle:
            handle.write(profiler.output_html())
        with open(args.profile.rsplit(".", 1)[0] + ".txt", "w", encoding="utf-8") as handle:
            handle.write(profiler.output_text(unicode=True, show_all=False))
    out = {
        "state": state.name,
        "message": state.message,
        "t_start": T_START,
        "t_imported": t_import,
        "t_flow_end": t_flow_end,
        "flow_seconds": t_flow_end - t_import,
        "cpu_imports_seconds": cpu_import,  # this process's CPU before the flow started (imports, mostly)
        "cpu_flow_seconds": cpu_flow_end - cpu_import,  # and during the flow (its threads included)
    }
    try:
        out.update(task_durations(state.state_details.flow_run_id))
    except Exception as exc:  # timings are a nice-to-have; the run itself counted
        out["stages_error"] = f"{type(exc).__name__}: {exc}"
    print("BENCH-RESULT " + json.dumps(out, default=str), flush=True)


if __name__ == "__main__":
    main()
