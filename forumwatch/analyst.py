"""The analyst layer: views, re-tagging, trends, charts and Parquet export over the DuckDB file."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from forumwatch.db import connect, init_schema, scalar
from forumwatch.resources import sql_text
from forumwatch.tasks.links import relink_all
from forumwatch.tasks.seeds import load_seed_tables
from forumwatch.tasks.tag import TAG_TABLES, insert_tag_rows, load_rules, tag_article, write_tags
from forumwatch.tasks.views import create_views, ensure_views

PERIOD_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}
RETAG_BATCH = 2000
MATERIALISED_PREFIX = "mv_"  # tables behind the costly views, rebuilt by create_views; derived, not exported

__all__ = ["create_views", "ensure_views", "export_parquet", "plot_trends", "retag", "trends", "write_tags"]


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
    return counts


def trends(
    db: str,
    topic: str,
    by: Literal["day", "week", "month"] = "day",
    since: date | None = None,
) -> pd.DataFrame:
    """Stories and copies of a topic ('all' = every article) per period, gaps filled with zeros."""
    if by not in PERIOD_FREQ:
        raise ValueError(f"by must be one of {', '.join(PERIOD_FREQ)}, not {by!r}")
    with connect(db, read_only=True) as con:  # under the writer lock: never trips a writer
        known = {r[0] for r in con.execute("SELECT topic FROM topics").fetchall()} | {"all"}
        if topic not in known:
            raise ValueError(f"unknown topic {topic!r}; known: {', '.join(sorted(known))}")
        frame = con.execute(sql_text("trends.sql"), {"by": by, "topic": topic, "since": since}).fetchdf()
    frame["period"] = pd.to_datetime(frame["period"])
    if frame.empty:
        return frame.astype({"stories": "int64", "copies": "int64"})
    periods = pd.date_range(frame["period"].min(), frame["period"].max(), freq=PERIOD_FREQ[by], name="period")
    filled = frame.set_index("period").reindex(periods, fill_value=0).reset_index()
    return filled.astype({"stories": "int64", "copies": "int64"})


def plot_trends(df: pd.DataFrame, out_png: Path, title: str) -> Path:
    """A PNG line chart of stories vs copies per period (Agg canvas, no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if df.empty:
        ax.text(0.5, 0.5, "no articles", ha="center", va="center", transform=ax.transAxes)
    else:
        ax.plot(df["period"], df["copies"], marker="o", label="copies (articles)")
        ax.plot(df["period"], df["stories"], marker="o", label="stories (syndication groups)")
        ax.legend()
        if len(df) <= 20:
            ax.set_xticks(list(df["period"]))
        ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    ax.set_title(title)
    ax.set_ylabel("count")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.savefig(out_png, dpi=110, format="png")
    return out_png


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(db: str, out_dir: Path) -> list[Path]:
    """Write every table as Parquet: articles partitioned by month of published_at
    (articles/month=YYYY-MM/*.parquet, month=unknown when undated), other tables whole (<table>.parquet);
    not the mv_* tables, which the views derive from the others."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with connect(db, read_only=True) as con:  # under the writer lock: never trips a writer
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT starts_with(table_name, ?) "
                "ORDER BY table_name",
                [MATERIALISED_PREFIX],
            ).fetchall()
        ]
        for table in tables:
            if table == "articles":
                con.execute(
                    "COPY (SELECT *, coalesce(strftime(published_at, '%Y-%m'), 'unknown') AS month FROM articles) "
                    f"TO {_sql_path(out_dir / 'articles')} (FORMAT parquet, PARTITION_BY (month), OVERWRITE)"
                )
            else:
                con.execute(f'COPY "{table}" TO {_sql_path(out_dir / (table + ".parquet"))} (FORMAT parquet)')
    return sorted(out_dir.rglob("*.parquet"))
