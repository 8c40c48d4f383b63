"""A tiny run of the benchmark (generator, loopback servers, ingest, bare trafilatura, load, views)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package

from bench.run_all import REPORT_FIELDS
from bench.run_all import main as bench_main

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.mark.timeout(300)
def test_bench_smoke(tmp_path, monkeypatch):
    from prefect.settings import PREFECT_API_URL

    # the child processes use the harness's running Prefect server instead of starting their own
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    out = tmp_path / "report.json"
    code = bench_main(
        [
            "--pages",
            "30",
            "--outlets",
            "5",
            "--few-hosts",
            "2",
            "--delay",
            "0.1",
            "--skip",
            "crawl delay 0",
            "--reruns",
            "1",
            "--repeat",
            "1",
            "--load-articles",
            "300",
            "--load-batch",
            "100",
            "--view-articles",
            "2000",
            "--view-repeat",
            "1",
            "--no-dedupe",
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            str(out),
        ]
    )
    assert code == 0
    import json

    report = json.loads(out.read_text())
    for name in REPORT_FIELDS:
        assert report.get(name) is not None, name
    assert report["pages"] == 30 and report["ratio"] > 0 and report["peak_rss_mb"] > 0
    assert "30 new" in report["pipeline_message"]
    assert "0 new" in report["rerun_message"]
    assert {"fetch_feeds", "plan_pages", "load_pages", "finish_run"} <= set(report["stages"])
    many, few = report["scenarios"]  # (crawl delay 0 is left out: it is the many-hosts run without delay)
    assert (many["hosts"], few["hosts"]) == (5, 2)
    assert few["busiest_host_pages"] > many["busiest_host_pages"]
    for row in (many, few):  # the lower bound is politeness or extraction, whichever is larger
        assert row["lower_bound_seconds"] == max(
            row["busiest_host_pages"] * 0.1, 30 / report["bare_parallel"]["pages_per_s"]
        )
        assert row["flow_seconds"] >= row["busiest_host_pages"] * 0.1  # politeness held
        assert row["ratio_to_bound"] == row["flow_seconds"] / row["lower_bound_seconds"]
    assert report["load"]["counts"]["articles"] == 300
    assert all(v["rows"] >= 0 for v in report["views"]["views"].values())
