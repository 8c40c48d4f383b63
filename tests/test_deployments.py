"""prefect.yaml end to end: a real server, `prefect deploy --all`, both deployments run by a process worker."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from prefect_server import stop

ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).parent / "prefect")
FAST = {
    "FORUMWATCH_CRAWL_DELAY": "0",
    "FORUMWATCH_EXTRACT_WORKERS": "1",
    "FORUMWATCH_BACKOFF_BASE": "0.01",
    "FORUMWATCH_READ_TIMEOUT": "5",
    "FORUMWATCH_TOTAL_TIMEOUT": "10",
}

FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
NAMES = ("ingest/daily", "backfill/backfill")

pytestmark = [pytest.mark.deployment, pytest.mark.timeout(600)]


def prefect(env: dict, *args: str, cwd: Path = ROOT, timeout: float = 240) -> str:
    done = subprocess.run([PREFECT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def run_deployment(env: dict, name: str, **parameters: str) -> str:
    """Trigger a deployment run; return its flow run id."""
    out = prefect(env, "deployment", "run", name, *[a for k, v in parameters.items() for a in ("-p", f"{k}={v}")])
    return re.search(r"UUID: ([0-9a-f-]{36})", out).group(1)


def schedules(deployment: dict) -> list[tuple[str, str]]:
    return [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in deployment["schedules"]]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.5)
    return result


def create_flow_run(api: httpx.Client, deployment_id: str) -> str:
    """POST create_flow_run, retried while the just-registered deployment is not ready (seen as a non-2xx)."""
    deadline = time.monotonic() + 60
    while True:
        response = api.post(f"/deployments/{deployment_id}/create_flow_run", json={})
        if response.is_success:
            return response.json()["id"]
        assert time.monotonic() < deadline, f"create_flow_run: HTTP {response.status_code} {response.text[:2000]}"
        time.sleep(1)


def test_forumwatch_serve_runs_the_daily_deployment(prefect_api, tmp_path, snapshot_sources, expected_pages):
    """Runs before `prefect deploy` below: serve and the work pool are alternatives for the same names."""
    env = {**prefect_api, **FAST}
    api = httpx.Client(base_url=env["PREFECT_API_URL"], timeout=10)
    db = tmp_path / "served.duckdb"
    with open(tmp_path / "serve.log", "w") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "forumwatch"),
                "serve",
                "--sources",
                str(snapshot_sources),
                "--db",
                str(db),
            ],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def deployed() -> bool:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-4000:]
            return all(api.get(f"/deployments/name/{name}").status_code == 200 for name in NAMES)

        wait_for(deployed, 240, "forumwatch serve")
        daily = api.get("/deployments/name/ingest/daily").json()
        assert daily["work_pool_name"] is None and daily["parameters"]["db"] == str(db)
        assert schedules(daily) == [("0 6 * * *", "UTC")]
        run_id = create_flow_run(api, daily["id"])
        state = wait_for(
            lambda: (s := api.get(f"/flow_runs/{run_id}").json()["state"])["type"] in FINAL and s,
            300,
            "the served daily run",
        )
        assert state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-4000:]
    finally:
        stop(proc)
        for name in NAMES:  # leave the names free for `prefect deploy`
            if (found := api.get(f"/deployments/name/{name}")).status_code == 200:
                api.delete(f"/deployments/{found.json()['id']}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(
            [p for p in expected_pages["pages"] if p["status"] == 200]
        )
    finally:
        con.close()


def test_deploy_all_and_run_daily_and_backfill_with_a_worker(prefect_api, tmp_path, snapshot_sources, expected_pages):
    env = {**prefect_api, **FAST}
    api = httpx.Client(base_url=env["PREFECT_API_URL"], timeout=10)
    prefect(env, "work-pool", "create", "forumwatch", "--type", "process")
    prefect(env, "--no-prompt", "deploy", "--all")

    daily = api.get("/deployments/name/ingest/daily").json()
    assert daily["work_pool_name"] == "forumwatch"
    assert schedules(daily) == [("0 6 * * *", "UTC")]
    assert daily["parameters"] == {"sources": "seeds/sources.csv", "db": "data/forumwatch.duckdb"}
    step = {"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}
    assert daily["pull_steps"] == [step]
    backfill = api.get("/deployments/name/backfill/backfill").json()
    assert backfill["work_pool_name"] == "forumwatch" and backfill["schedules"] == []
    assert set(backfill["parameter_openapi_schema"]["required"]) == {"start", "end"}
    assert {"reprocess", "dry_run", "sources"} <= set(backfill["parameters"])

    # one database for both runs: the worker starts them together, as a 06:00 run meeting a backfill would
    db = tmp_path / "fw.duckdb"
    runs = {
        "ingest": run_deployment(env, "ingest/daily", sources=str(snapshot_sources), db=str(db)),
        "backfill": run_deployment(
            env, "backfill/backfill", start="2023-10-30", end="2023-11-01", sources=str(snapshot_sources), db=str(db)
        ),
    }
    worker = prefect(env, "worker", "start", "--pool", "forumwatch", "--run-once", cwd=tmp_path, timeout=420)
    states = {flow: api.get(f"/flow_runs/{run_id}").json()["state"] for flow, run_id in runs.items()}
    assert all(s["type"] == "COMPLETED" for s in states.values()), f"{states}\n{worker[-4000:]}"

    con = duckdb.connect(str(db), read_only=True)
    try:
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        n_urls = con.execute("SELECT count(DISTINCT url) FROM articles").fetchone()[0]
        done = con.execute("SELECT flow, status FROM runs ORDER BY flow").fetchall()
        n_coverage = con.execute("SELECT count(*) FROM coverage").fetchone()[0]
    finally:
        con.close()
    assert n_articles == n_urls == len([p for p in expected_pages["pages"] if p["status"] == 200])
    assert done == [("backfill", "completed"), ("ingest", "completed")]
    assert n_coverage > 0
    assert (tmp_path / "fw-read.duckdb").is_file()
