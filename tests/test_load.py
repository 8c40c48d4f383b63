"""Loading articles: upserts keep what they must, bulk loads checkpoint once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from forumwatch.db import bulk_writes, connect, init_schema
from forumwatch.tasks import load


def article(article_id: str, text: str, fetched_at: datetime, **extra) -> dict:
    row = {column: None for column in load.ARTICLE_COLUMNS}
    row.update(
        article_id=article_id,
        url=f"https://example.org/{article_id}",
        text=text,
        fetched_at=fetched_at,
        published_at=datetime(2024, 1, 1),
        word_count=len(text.split()),
        run_id="r",
        **extra,
    )
    return row


def test_upsert_refreshes_stored_articles_and_inserts_new_ones(tmp_path):
    con = duckdb.connect(str(tmp_path / "fw.duckdb"))
    init_schema(con)
    load.upsert_articles(con, [article("a", "first text", datetime(2024, 1, 2), cited_media=["Xinhua"])])
    con.execute("UPDATE articles SET story_id = 'st_a', story_similarity = 1.0")
    con.execute("BEGIN")
    load.upsert_articles(
        con,
        [
            article("a", "second text", datetime(2024, 2, 2), cited_media=["TASS", "Xinhua"]),
            article("b", "other text", datetime(2024, 2, 3)),
        ],
    )
    con.execute("COMMIT")
    rows = con.execute(
        "SELECT article_id, text, cited_media, story_id, story_similarity, first_seen_at, updated_at "
        "FROM articles ORDER BY article_id"
    ).fetchall()
    assert rows == [
        ("a", "second text", ["TASS", "Xinhua"], "st_a", 1.0, datetime(2024, 1, 2), datetime(2024, 2, 2)),
        ("b", "other text", [], None, None, datetime(2024, 2, 3), datetime(2024, 2, 3)),
    ]
    con.close()


def test_bulk_writes_commit_to_the_wal_and_checkpoint_once(tmp_path):
    db = tmp_path / "fw.duckdb"
    wal = Path(str(db) + ".wal")
    with connect(db) as con:
        init_schema(con)
        con.execute("CHECKPOINT")
        with bulk_writes(con):
            for batch in range(4):
                con.execute("BEGIN")
                load.upsert_articles(
                    con, [article(f"{batch}-{i}", "word " * 2000, datetime(2024, 1, 2)) for i in range(500)]
                )  # ~5 MB a batch: DuckDB alone checkpoints at 16
                con.execute("COMMIT")
            assert wal.stat().st_size > 16 * 2**20
        assert not wal.exists() or wal.stat().st_size == 0
        assert con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0] == "16.0 MiB"
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone() == (2000, 2000)
