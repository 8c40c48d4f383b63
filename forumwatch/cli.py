"""The `forumwatch` command: ingest, backfill, reprocess, serve, demo, and the analyst helpers."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Literal

# Prefect reads these at import time: no telemetry (offline machines), quiet ephemeral server.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

from forumwatch.resources import seed_path  # noqa: E402
from forumwatch.settings import default_db_path  # noqa: E402
from forumwatch.snapshot_server import DEFAULT_PORT as DEMO_PORT  # noqa: E402


def _refuse(message: object) -> int:
    """One clear line on stderr and exit code 2: the command cannot start as given."""
    print(f"forumwatch: {message}", file=sys.stderr)
    return 2


def _preflight(db: str, writable: bool = True) -> str | None:
    """Settings and --db checked before any network work: the one-line reason they cannot be used, or None."""
    from forumwatch.db import DatabaseError, check_target
    from forumwatch.settings import SettingsError, check_environment

    try:
        check_environment()
        check_target(db, writable=writable)
    except (SettingsError, DatabaseError) as exc:
        return str(exc)
    return None


def _quiet_console() -> None:
    """After a stop request only the command's own line is printed: Prefect's console logs go quiet."""
    import logging

    for name in ["", *[n for n in logging.root.manager.loggerDict if n.startswith("prefect")]]:
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                handler.setLevel(logging.ERROR)


def _run_flow(kind: str, flow_call) -> int:
    """Run a flow with clean stops (SIGINT/SIGTERM end it at a batch boundary) against a Prefect API (a
    temporary server of our own when none is configured); print its one-line outcome; the exit code:
    0 completed, 3 partial (some sources failed), 1 failed, 130/143 interrupted by SIGINT/SIGTERM."""
    from forumwatch.flows.steps import EXIT_CODES
    from forumwatch.flows.stop import EXIT_CODES as SIGNAL_EXIT_CODES
    from forumwatch.flows.stop import LATE_STOP, graceful_signals, on_stop, stop_signal
    from forumwatch.tempserver import prefect_api

    on_stop(_quiet_console)
    with graceful_signals():
        try:
            with prefect_api():
                state = flow_call()
        except KeyboardInterrupt:  # a second Ctrl-C: no more waiting
            print(f"{kind} interrupted by SIGINT", file=sys.stderr)
            return 130
        signum = stop_signal()
    if state.is_cancelled() or (signum and not state.is_completed()):
        print(f"{kind} interrupted: {state.message}", file=sys.stderr)
        return SIGNAL_EXIT_CODES.get(signum, 130) if signum else 130
    name = state.name.lower()
    if signum:  # the signal came after the last batch boundary: the run did all its work, and says so
        print(f"{kind}: {LATE_STOP} ({signal.Signals(signum).name})", file=sys.stderr)
    print(f"{kind} {name}: {state.message}")
    if state.is_completed():
        return EXIT_CODES.get(name, 0)
    return EXIT_CODES["failed"]


def _run_ingest(sources: str, db: str, max_per_source: int | None, max_minutes: float | None = None) -> int:
    from forumwatch.tasks.sources import SourcesError, read_sources

    try:
        read_sources(sources)
    except SourcesError as exc:
        return _refuse(exc)
    if problem := _preflight(db):
        return _refuse(problem)
    from forumwatch.flows.ingest import ingest

    return _run_flow(
        "ingest",
        lambda: ingest(
            sources=sources, db=db, max_per_source=max_per_source, max_minutes=max_minutes, return_state=True
        ),
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    return _run_ingest(args.sources, args.db, args.max_per_source, args.max_minutes)


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the ingest flow over the bundled offline snapshot and print what it loaded."""
    from forumwatch.snapshot_server import serve_snapshot, write_sources
    from forumwatch.summary import print_summary

    os.environ.setdefault("FORUMWATCH_CRAWL_DELAY", "0")  # our own loopback server: no politeness delay needed
    with ExitStack() as stack:
        try:
            base = stack.enter_context(serve_snapshot(port=args.port))
        except OSError as exc:
            base = stack.enter_context(serve_snapshot(port=0))  # any free port
            print(
                f"demo: port {args.port} is taken ({exc.strerror}); serving on {base.rsplit(':', 1)[1]} instead "
                "(articles are identified by the pages' canonical links, so a rerun finds those already stored)"
            )
        sources = write_sources(base, Path(stack.enter_context(tempfile.TemporaryDirectory())) / "sources.csv")
        print(f"demo: serving the offline snapshot at {base}")
        code = _run_ingest(str(sources), args.db, None)
    if code == 0:
        from forumwatch.db import is_local_path

        read_copy = Path(args.db).with_name(Path(args.db).stem + "-read" + Path(args.db).suffix)
        print_summary(args.db, str(read_copy) if is_local_path(args.db) else None)
    return code


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more (leave it out for no limit): {text!r}")
    return value


def _minutes(text: str) -> float:
    """A time budget in minutes: a finite number, 0 (no budget) or more; fractions allowed."""
    from forumwatch.tasks.budget import BudgetError, check_minutes

    try:
        return check_minutes(float(text))
    except (ValueError, BudgetError):
        raise argparse.ArgumentTypeError(f"must be a number of minutes, 0 (no budget) or more: {text!r}") from None


def _add_max_minutes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-minutes",
        type=_minutes,
        default=None,
        metavar="M",
        help="the run's time budget in minutes (fractions allowed; 0: none; default $FORUMWATCH_MAX_RUN_MINUTES, "
        "1200): past it no request starts, what was fetched is loaded, the rest is skipped and the run ends partial",
    )


def cmd_retag(args: argparse.Namespace) -> int:
    from forumwatch.analyst import retag

    if problem := _preflight(args.db, writable=False):
        return _refuse(problem)
    counts = retag(args.db)
    print("retagged " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


def cmd_trends(args: argparse.Namespace) -> int:
    from forumwatch.analyst import SERIES_KINDS, forum_editions, plot_trends, trend_series

    if problem := _preflight(args.db, writable=False):
        return _refuse(problem)
    series = [(kind, value) for kind in SERIES_KINDS for value in (getattr(args, kind) or [])]
    try:
        frame = trend_series(args.db, series, by=args.by, since=args.since, until=args.until)
    except ValueError as exc:
        print(f"forumwatch: {exc}", file=sys.stderr)
        return 2
    shown = frame.assign(period=frame["period"].dt.strftime("%Y-%m-%d"))[["label", "period", "stories", "copies"]]
    print(shown.to_string(index=False) if frame["copies"].sum() else "no articles for these series in this range")
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        frame.assign(period=frame["period"].dt.strftime("%Y-%m-%d")).to_csv(args.csv, index=False)
        print(f"table written to {args.csv}")
    if args.plot:
        labels = ", ".join(dict.fromkeys(frame["label"]))
        title = f"Stories and copies per {args.by}: {labels}"
        print(f"chart written to {plot_trends(frame, Path(args.plot), title, args.by, forum_editions(args.db))}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Stories matching every word of the query, ranked by BM25."""
    from forumwatch.search import SearchError, format_results, reindex, search

    if not args.query and not args.reindex:
        print("forumwatch: search needs a QUERY (or --reindex)", file=sys.stderr)
        return 2
    if problem := _preflight(args.db, writable=False):
        return _refuse(problem)
    try:
        if args.reindex:
            print(reindex(args.db))
            if not args.query:
                return 0
        frame = search(args.db, args.query, args.since, args.until, args.language, args.topic, args.limit)
    except SearchError as exc:
        print(f"forumwatch: {exc}", file=sys.stderr)
        return 2
    print(format_results(frame) if len(frame) else f"no story matches {args.query!r}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from forumwatch.analyst import ExportError, export_tables

    if problem := _preflight(args.db, writable=False):
        return _refuse(problem)
    fmt: Literal["parquet", "csv"] = "parquet" if args.parquet else "csv"
    target = args.parquet or args.csv
    try:
        files = export_tables(args.db, Path(target), fmt, overwrite=args.overwrite)
    except ExportError as exc:
        print(f"forumwatch: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(files)} {fmt.upper() if fmt == 'csv' else 'Parquet'} files under {target}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the daily and backfill deployments from this process (no work pool needed)."""
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        print(
            "forumwatch: serve needs a Prefect server that schedules runs: start `prefect server start`, then\n"
            "  prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api",
            file=sys.stderr,
        )
        return 2
    from forumwatch.flows.serve import pool_deployments, serve_all

    if taken := pool_deployments():
        print(
            f"forumwatch: {', '.join(taken)} run on a work pool (prefect deploy); to serve instead, first run\n"
            + "\n".join(f"  prefect deployment delete {name}" for name in taken),
            file=sys.stderr,
        )
        return 2
    serve_all(args.sources, args.db, limit=args.limit)
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    """Fill a date range from news sitemaps, WARC files and feeds; --dry-run prints the plan only."""
    from forumwatch.flows.backfill import BackfillError, plan_backfill
    from forumwatch.tasks.sources import SourcesError

    if problem := _preflight(args.db):
        return _refuse(problem)
    try:
        plan = plan_backfill(args.start, args.end, args.sources, args.db, args.warc, args.reprocess)
    except (BackfillError, SourcesError, FileNotFoundError) as exc:
        return _refuse(exc)
    if args.dry_run:
        print(plan.describe())
        print("dry run: nothing fetched, nothing written")
        return 0
    from forumwatch.flows.backfill import backfill

    return _run_flow(
        "backfill",
        lambda: backfill(
            start=plan.start,
            end=plan.end,
            sources=args.sources,
            db=args.db,
            warc=args.warc,
            reprocess=args.reprocess,
            max_minutes=args.max_minutes,
            return_state=True,
        ),
    )


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Re-extract and re-group the raw archive with the current code; no network."""
    start, end = args.start, args.end
    if start and end and start > end:
        print(f"forumwatch: --start {start} is after --end {end}", file=sys.stderr)
        return 2
    if problem := _preflight(args.db, writable=False):
        return _refuse(problem)
    from forumwatch.flows.reprocess import reprocess

    return _run_flow(
        "reprocess",
        lambda: reprocess(
            db=args.db,
            raw_dir=args.raw_dir,
            start=start,
            end=end,
            trust_unsigned=args.trust_unsigned,
            return_state=True,
        ),
    )


def _add_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sources",
        default=str(seed_path("sources.csv")),
        help="CSV with at least name,feed_url (default: the bundled seeds/sources.csv)",
    )


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=str(default_db_path()), help="DuckDB file or connection string (default data/forumwatch.duckdb)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forumwatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="fetch the configured feeds and load new articles")
    _add_sources(p)
    _add_db(p)
    p.add_argument("--max-per-source", type=_positive_int, default=None, help="fetch at most N (>= 1) pages per source")
    _add_max_minutes(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("demo", help="ingest the bundled offline snapshot and print a summary")
    _add_db(p)
    p.add_argument(
        "--port",
        type=int,
        default=DEMO_PORT,
        help="local port serving the snapshot (another free one when it is taken)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="serve the daily (06:00 UTC) and backfill deployments without a work pool")
    _add_sources(p)
    _add_db(p)
    p.add_argument("--limit", type=int, default=None, help="run at most N flow runs at once")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("backfill", help="fill a date range from news sitemaps, WARC files and feeds")
    p.add_argument("--start", required=True, help="first UTC day, YYYY-MM-DD")
    p.add_argument("--end", required=True, help="last UTC day, YYYY-MM-DD (inclusive)")
    _add_sources(p)
    _add_db(p)
    p.add_argument(
        "--warc", action="append", metavar="PATH", help="WARC file or folder (CC-NEWS or data/raw); repeatable"
    )
    p.add_argument(
        "--reprocess",
        choices=("none", "all", "failed"),
        default="none",
        help="redo days already complete (all) or only failed days (failed)",
    )
    p.add_argument("--dry-run", action="store_true", help="print the plan (days, sources, methods); write nothing")
    _add_max_minutes(p)
    p.set_defaults(func=cmd_backfill)

    p = sub.add_parser("reprocess", help="re-extract and re-group the raw WARC archive (no network)")
    _add_db(p)
    p.add_argument("--raw-dir", default=None, help="raw archive folder (default: raw/ beside the database)")
    p.add_argument("--start", type=_date, default=None, help="only pages published from this UTC day, YYYY-MM-DD")
    p.add_argument("--end", type=_date, default=None, help="only pages published up to this UTC day, YYYY-MM-DD")
    p.add_argument(
        "--trust-unsigned",
        action="store_true",
        help="vouch for every record of the raw folder (an archive written before records were signed): "
        "their source headers count and they may replace stored articles",
    )
    p.set_defaults(func=cmd_reprocess)

    p = sub.add_parser("retag", help="re-tag topics, forums and people from stored text after a seed edit")
    _add_db(p)
    p.set_defaults(func=cmd_retag)

    p = sub.add_parser("trends", help="stories vs copies over time, one series or several on one chart")
    p.add_argument("--topic", action="append", help="a topic of seeds/topics.csv, or 'all'; repeatable")
    p.add_argument("--forum", action="append", help="a forum of seeds/forums.csv (articles naming it); repeatable")
    p.add_argument("--person", action="append", help="a person of seeds/people.csv; repeatable")
    p.add_argument("--outlet", action="append", help="a source_id; repeatable")
    p.add_argument("--language", action="append", help="articles.language (ISO 639-1); repeatable")
    p.add_argument("--agency", action="append", help="the story's wire agency (ANI, Xinhua, ...); repeatable")
    p.add_argument("--by", choices=("day", "week", "month"), default="day")
    p.add_argument("--since", type=_date, default=None, help="first UTC day (YYYY-MM-DD); zeros from here")
    p.add_argument("--until", type=_date, default=None, help="last UTC day, inclusive; zeros up to here")
    p.add_argument("--plot", default=None, help="write a PNG chart here")
    p.add_argument("--csv", default=None, help="write the table as CSV here")
    _add_db(p)
    p.set_defaults(func=cmd_trends)

    p = sub.add_parser("search", help="stories matching words, ranked by BM25 (full-text index)")
    p.add_argument(
        "query",
        nargs="?",
        default=None,
        help="words that must all appear in a copy of the story; OR in capitals between alternatives ('Shoigu OR Belousov')",
    )
    p.add_argument("--since", type=_date, default=None, help="copies published from this UTC day (YYYY-MM-DD)")
    p.add_argument("--until", type=_date, default=None, help="copies published up to this UTC day, inclusive")
    p.add_argument("--language", default=None, help="copies in this language (ISO 639-1, articles.language)")
    p.add_argument("--topic", default=None, help="copies tagged with this topic")
    p.add_argument("--limit", type=int, default=20, help="at most N stories (default 20)")
    p.add_argument("--reindex", action="store_true", help="bring the search index up to date first")
    _add_db(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="write the tables and views as Parquet or CSV (articles by month)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--parquet", help="output folder for Parquet files")
    target.add_argument("--csv", help="output folder for CSV files")
    p.add_argument(
        "--overwrite", action="store_true", help="replace a previous export in that folder (only its own files)"
    )
    _add_db(p)
    p.set_defaults(func=cmd_export)
    return parser


class _Terminated(BaseException):
    """SIGTERM outside a flow (retag, export, trends): unwinds like Ctrl-C, so transactions roll back."""


def _raise_terminated(signum, frame) -> None:
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    import signal

    from forumwatch.db import DatabaseBusy

    args = build_parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)  # flows install their own graceful handlers
    try:
        return args.func(args)
    except DatabaseBusy as exc:  # outside a flow (search, trends, export, retag): one line, no traceback
        print(f"forumwatch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"forumwatch {args.command} interrupted by SIGINT; nothing half-written was kept", file=sys.stderr)
        return 130
    except _Terminated:
        print(f"forumwatch {args.command} interrupted by SIGTERM; nothing half-written was kept", file=sys.stderr)
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
