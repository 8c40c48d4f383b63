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
    assert {"fetch_pages", "extract_inputs", "load_pages"} <= set(report["stages"])
    assert report["load"]["counts"]["articles"] == 300
    assert all(v["rows"] >= 0 for v in report["views"]["views"].values())
