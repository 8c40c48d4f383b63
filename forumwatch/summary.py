"""Print what a database holds: the demo's closing report."""

from __future__ import annotations

from forumwatch.db import connect, scalar
from forumwatch.resources import sql_text


def print_summary(db: str) -> None:
    with connect(db, read_only=True) as con:  # under the writer lock: never trips a writer
        counts = {
            t: scalar(con, f"SELECT count(*) FROM {t}")
            for t in ("sources", "fetches", "articles", "stories", "article_topics")
        }
        print("loaded: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
        print("\nstories (syndicated copies grouped):")
        print(con.execute(sql_text("load/summary_stories.sql")).df().fillna("").to_string(index=False))
        print("\nfailed fetches:")
        failed = con.execute("SELECT url, status, error FROM fetches WHERE error IS NOT NULL ORDER BY url").df()
        print(failed.to_string(index=False) if len(failed) else "  none")
