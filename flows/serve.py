"""Serve the daily and backfill deployments from this process: the no-work-pool alternative to prefect.yaml."""

from __future__ import annotations

from pathlib import Path

from prefect import serve
from prefect.schedules import Cron

from forumwatch.flows.backfill import backfill
from forumwatch.flows.ingest import ingest

DAILY_CRON = "0 6 * * *"  # every day at 06:00 UTC, as in prefect.yaml


def deployments(sources: str, db: str) -> list:
    """The two deployments, with absolute paths so runs do not depend on the serving directory."""
    sources, db = str(Path(sources).resolve()), str(Path(db).resolve())
    return [
        ingest.to_deployment(
            name="daily",
            schedules=[Cron(DAILY_CRON, timezone="UTC")],
            parameters={"sources": sources, "db": db},
            description="Fetch every configured feed at 06:00 UTC and load new articles.",
        ),
        backfill.to_deployment(
            name="backfill",
            parameters={"sources": sources, "db": db},
            description="Fill a date range: run with -p start=YYYY-MM-DD -p end=YYYY-MM-DD.",
        ),
    ]


def pool_deployments() -> list[str]:
    """Deployments of the same names made by `prefect deploy` (work pool, pull steps): serving over them
    leaves their pull steps in place and the runs crash, so they must be deleted first."""
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    found = []
    with get_client(sync_client=True) as client:
        for name in ("ingest/daily", "backfill/backfill"):
            try:
                if client.read_deployment_by_name(name).work_pool_name:
                    found.append(name)
            except ObjectNotFound:
                pass
    return found


def serve_all(sources: str, db: str, limit: int | None = None) -> None:
    """Register both deployments and run their flow runs here until interrupted (Ctrl-C)."""
    serve(*deployments(sources, db), limit=limit)
