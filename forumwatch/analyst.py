"""The analyst layer: views, re-tagging, trends, charts and Parquet export over the DuckDB file."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from forumwatch.db import connect, init_schema, publish_read_copy, scalar
from forumwatch.resources import sql_text
from forumwatch.tasks.links import relink_all
from forumwatch.tasks.seeds import load_seed_tables
from forumwatch.tasks.tag import TAG_TABLES, insert_tag_rows, load_rules, tag_article, write_tags
from forumwatch.tasks.views import create_views, ensure_views

PERIOD_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}
RETAG_BATCH = 2000
MATERIALISED_PREFIX = "mv_"  # tables behind the costly views, rebuilt by create_views; derived, not exported

__all__ = [
    "create_views",
    "ensure_views",
    "export_parquet",
    "export_tables",
    "plot_trends",
    "retag",
    "trend_series",
    "trends",
    "write_tags",
]


def retag(db: str, seeds_dir: Path | None = None) -> dict:
    """Reload the seed tables and re-tag every article from its stored text, in one transaction."""
    rules = load_rules(seeds_dir)
    started = datetime.now(UTC).replace(tzinfo=None)
    run_id = "retag-" + started.strftime("%Y%m%dT%H%M%S%f")
    counts = {"articles": 0, "rules_version": rules.version}
    with connect(db) as con:
        init_schema(con)
        con.execute("BEGIN")
        try:
            load_seed_tables(con, seeds_dir)
            for table in TAG_TABLES:
                con.execute(f"DELETE FROM {table}")
            last = ""
            while True:  # keyset pages: a result set must be fetched before the next statement runs
                batch = con.execute(
                    "SELECT article_id, text FROM articles WHERE article_id > ? ORDER BY article_id LIMIT ?",
                    [last, RETAG_BATCH],
                ).fetchall()
                if not batch:
                    break
                results = [tag_article(article_id, text or "", rules) for article_id, text in batch]
                for table, attr in TAG_TABLES.items():
                    insert_tag_rows(con, table, [row for r in results for row in getattr(r, attr)])
                counts["articles"] += len(batch)
                last = batch[-1][0]
            for table in TAG_TABLES:
                counts[table] = scalar(con, f"SELECT count(*) FROM {table}")
            counts["story_links"] = relink_all(con)["links"]  # links rest on the people and forum tags
            create_views(con)
            finished = datetime.now(UTC).replace(tzinfo=None)
            con.execute(
                "INSERT INTO runs (run_id, flow, started_at, finished_at, status, parameters, message) "
                "VALUES (?, 'retag', ?, ?, 'completed', ?, ?)",
                [run_id, started, finished, json.dumps({"rules_version": rules.version}), json.dumps(counts)],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    publish_read_copy(db)  # analysts reading the copy see the new tags too
    return counts


SERIES_KINDS = ("topic", "forum", "person", "outlet", "language", "agency")
CHECKED_KINDS = {"topic", "forum", "person", "outlet"}  # values from seeds/sources; language, agency are free
PERIOD_AXIS = {"day": "day (UTC)", "week": "week starting Monday (UTC)", "month": "month (UTC)"}


def trend_series(
    db: str,
    series: list[tuple[str, str]],
    by: Literal["day", "week", "month"] = "day",
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """Stories and copies per period for each (kind, value) series, long format
    (kind, value, label, period, stories, copies), zeros filled from since (or the first period with
    coverage) to until (or the last)."""
    if by not in PERIOD_FREQ:
        raise ValueError(f"by must be one of {', '.join(PERIOD_FREQ)}, not {by!r}")
    if since and until and since > until:
        raise ValueError(f"--since {since} is after --until {until}")
    if not series:
        raise ValueError("name at least one series: --topic, --forum, --person, --outlet, --language or --agency")
    frames = []
    with connect(db, read_only=True) as con:  # under the writer lock: never trips a writer
        labels = {(k, v): label for k, v, label in con.execute(sql_text("trends_labels.sql")).fetchall()}
        for kind, value in series:
            if kind not in SERIES_KINDS:
                raise ValueError(f"unknown series kind {kind!r}")
            if kind in CHECKED_KINDS and (kind, value) not in labels:
                known = sorted(v for k, v in labels if k == kind)
                raise ValueError(f"unknown {kind} {value!r}; known: {', '.join(known) or '(none)'}")
            params = {"by": by, "kind": kind, "value": value, "since": since, "until": until}
            frame = con.execute(sql_text("trends_series.sql"), params).fetchdf()
            frame.insert(0, "label", labels.get((kind, value), value))
            frame.insert(0, "value", value)
            frame.insert(0, "kind", kind)
            frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    data["period"] = pd.to_datetime(data["period"])
    first = pd.Timestamp(since) if since else data["period"].min()
    last = pd.Timestamp(until) if until else data["period"].max()
    if pd.isna(first) or pd.isna(last):
        return data.astype({"stories": "int64", "copies": "int64"})
    periods = pd.date_range(_period_start(pd.Timestamp(first), by), last, freq=PERIOD_FREQ[by], name="period")
    filled = []
    for kind, value in series:
        one = data[(data["kind"] == kind) & (data["value"] == value)].set_index("period")[["stories", "copies"]]
        one = one.reindex(periods, fill_value=0).rename_axis("period").reset_index()
        one.insert(0, "label", labels.get((kind, value), value))
        one.insert(0, "value", value)
        one.insert(0, "kind", kind)
        filled.append(one)
    return pd.concat(filled, ignore_index=True).astype({"stories": "int64", "copies": "int64"})


def _period_start(day: pd.Timestamp, by: str) -> pd.Timestamp:
    """The first day of the period holding day (weeks start on Monday)."""
    day = day.normalize()
    if by == "week":
        return day - pd.Timedelta(days=day.weekday())
    return day.replace(day=1) if by == "month" else day


def trends(
    db: str,
    topic: str,
    by: Literal["day", "week", "month"] = "day",
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """Stories and copies of one topic ('all' = every article) per period, gaps filled with zeros."""
    if by not in PERIOD_FREQ:
        raise ValueError(f"by must be one of {', '.join(PERIOD_FREQ)}, not {by!r}")
    with connect(db, read_only=True) as con:
        known = {r[0] for r in con.execute("SELECT topic FROM topics").fetchall()} | {"all"}
    if topic not in known:
        raise ValueError(f"unknown topic {topic!r}; known: {', '.join(sorted(known))}")
    frame = trend_series(db, [("topic", topic)], by, since, until)
    if since is None and until is None and frame["copies"].sum() == 0:
        return frame.iloc[0:0][["period", "stories", "copies"]]
    return frame[["period", "stories", "copies"]].reset_index(drop=True)


def forum_editions(db: str) -> pd.DataFrame:
    """Forum editions with their dates, for the bands on a trends chart."""
    with connect(db, read_only=True) as con:
        return con.execute("SELECT edition, name, start_date, end_date FROM forums ORDER BY start_date").fetchdf()


def plot_trends(
    df: pd.DataFrame,
    out_png: Path,
    title: str,
    by: str = "day",
    editions: pd.DataFrame | None = None,
) -> Path:
    """A PNG chart: per series, stories (solid) and copies (dashed) per period; forum editions as shaded
    bands; axis titles name the period and the time zone (UTC). Agg canvas, no display needed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(10, 5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if "label" not in df.columns:
        df = df.assign(label="all articles")
    if df.empty:
        ax.text(0.5, 0.5, "no articles in this range", ha="center", va="center", transform=ax.transAxes)
    else:
        for i, (label, one) in enumerate(df.groupby("label", sort=False)):
            color = f"C{i % 10}"
            ax.plot(one["period"], one["stories"], color=color, marker="o", ms=3, label=f"{label}: stories")
            ax.plot(one["period"], one["copies"], color=color, ls="--", marker=".", ms=3, label=f"{label}: copies")
        lo, hi = df["period"].min(), df["period"].max() + pd.Timedelta(days=1)
        for row in (editions if editions is not None else pd.DataFrame()).itertuples():
            start, end = pd.Timestamp(row.start_date), pd.Timestamp(row.end_date) + pd.Timedelta(days=1)
            if end < lo or start > hi:
                continue
            ax.axvspan(start, end, color="0.85", zorder=0)
            ax.text(start, 1.0, f" {row.name}", transform=ax.get_xaxis_transform(), va="top", fontsize=8, color="0.3")
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(textwrap.fill(title, 90), fontsize=11, loc="left")
    ax.set_xlabel(PERIOD_AXIS.get(by, by))
    ax.set_ylabel(f"per {by}: stories (solid), copies (dashed)")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    fig.savefig(out_png, dpi=110, format="png")
    return out_png


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


EXPORT_MARKER = ".forumwatch-export"  # lists the files an export wrote; --overwrite removes only those
EXPORT_VIEWS = ("article_facts", "topic_stories", "topic_coverage_daily", "topic_coverage_weekly",
                "coverage_by_outlet", "coverage_by_country", "coverage_by_agency", "syndication_reach",
                "forum_edition_coverage", "person_coverage")  # fmt: skip


class ExportError(ValueError):
    """The export target holds files this export would not own."""


def _clear_target(out_dir: Path, overwrite: bool) -> None:
    """Refuse a non-empty folder unless --overwrite; then remove only the files a previous export listed."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file, not a folder; give a folder to export into")
    entries = [p for p in out_dir.iterdir()] if out_dir.is_dir() else []
    if not entries:
        return
    marker = out_dir / EXPORT_MARKER
    if not overwrite:
        raise ExportError(f"{out_dir} is not empty; pass --overwrite to replace a previous export there")
    if not marker.is_file():
        raise ExportError(f"{out_dir} holds files that no forumwatch export wrote; choose an empty folder")
    for line in marker.read_text(encoding="utf-8").splitlines():
        target = (out_dir / line).resolve()
        if out_dir.resolve() in target.parents and target.is_file() and not target.is_symlink():
            target.unlink()
    for folder in sorted((p for p in out_dir.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()  # only folders the removal emptied; anything of the user's stays
    marker.unlink()


def export_tables(
    db: str, out_dir: Path, fmt: Literal["parquet", "csv"] = "parquet", overwrite: bool = False
) -> list[Path]:
    """Write every table and the analyst views (EXPORT_VIEWS) as Parquet or CSV: articles partitioned by
    month of published_at (articles/month=YYYY-MM/..., month=unknown when undated), everything else whole
    (<name>.parquet / <name>.csv); not the mv_* tables, which the views derive. Never deletes what it did
    not write: a non-empty target needs overwrite, which removes only a previous export's own files."""
    out_dir = Path(out_dir)
    _clear_target(out_dir, overwrite)
    out_dir.mkdir(parents=True, exist_ok=True)
    kept = set(out_dir.rglob(f"*.{fmt}"))  # the user's files the clearing left: never listed, never replaced
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    with connect(db, read_only=True) as con:  # under the writer lock: never trips a writer
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main' AND NOT starts_with(table_name, ?) AND table_name <> 'lake_writes' "
                "ORDER BY table_name",
                [MATERIALISED_PREFIX],
            ).fetchall()
        ]
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        names = tables + [v for v in EXPORT_VIEWS if v in views]
        taken = sorted(p.name for p in kept if p.parent == out_dir and p.stem in names)
        if taken:
            raise ExportError(f"{out_dir} holds {', '.join(taken)}, which no forumwatch export wrote; move it away")
        for name in names:
            if name == "articles":
                con.execute(
                    "COPY (SELECT *, coalesce(strftime(published_at, '%Y-%m'), 'unknown') AS month FROM articles) "
                    f"TO {_sql_path(out_dir / 'articles')} ({options}, PARTITION_BY (month), OVERWRITE_OR_IGNORE)"  # never deletes: the old files are gone already
                )
            else:
                con.execute(f'COPY "{name}" TO {_sql_path(out_dir / (name + "." + fmt))} ({options})')
    files = sorted(set(out_dir.rglob(f"*.{fmt}")) - kept)  # only what this export wrote is listed for removal
    (out_dir / EXPORT_MARKER).write_text(
        "".join(p.relative_to(out_dir).as_posix() + "\n" for p in files), encoding="utf-8"
    )
    return files


def export_parquet(db: str, out_dir: Path, overwrite: bool = False) -> list[Path]:
    """export_tables as Parquet (kept for callers of the first version)."""
    return export_tables(db, out_dir, "parquet", overwrite)
