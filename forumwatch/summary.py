"""Print what a run loaded: the demo's closing report, and what to try next."""

from __future__ import annotations

from forumwatch.db import connect, scalar
from forumwatch.resources import sql_text

NEXT_STEPS = """next:
  1. forumwatch search "Shoigu Beijing" --db {db}
  2. forumwatch trends --topic sino_russian_military --by day --plot data/trends.png --db {db}
  3. .venv/bin/duckdb -readonly {read_copy} < sql/queries/05_widest_syndicated_stories.sql"""


def print_summary(db: str, read_copy: str | None = None) -> None:
    """This run's counts (the database's latest ingest run), its stories and failed fetches, then next steps."""
    with connect(db, read_only=True) as con:  # under the writer lock: never trips a writer
        run = con.execute(
            "SELECT run_id, n_new, n_updated, n_unchanged, n_failed FROM runs WHERE flow = 'ingest' "
            "ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
        if run is None:
            print("no ingest run recorded")
            return
        run_id, new, updated, unchanged, failed = run
        stories = scalar(
            con, "SELECT count(DISTINCT coalesce(story_id, article_id)) FROM articles WHERE run_id = ?", [run_id]
        )
        total = scalar(con, "SELECT count(*) FROM articles")
        print(
            f"this run: {new} new, {updated} updated, {unchanged} unchanged articles, {failed} failed pages; "
            f"{stories} stories among the articles it stored ({total} articles in {db})"
        )
        print("\nstories this run stored copies of (syndicated copies grouped; articles not grouped yet are left out):")
        story_rows = con.execute(sql_text("load/summary_stories.sql"), {"run_id": run_id}).df().fillna("")
        print(story_rows.to_string(index=False) if len(story_rows) else "  none (nothing new or changed)")
        print("\nfailed fetches of this run:")
        failed_rows = con.execute(
            "SELECT url, status, error FROM fetches WHERE error IS NOT NULL AND run_id = ? ORDER BY url", [run_id]
        ).df()
        print(failed_rows.to_string(index=False) if len(failed_rows) else "  none")
    print("\n" + NEXT_STEPS.format(db=db, read_copy=read_copy or db))
