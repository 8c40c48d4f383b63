"""Read a DuckDB file (or an open connection) in tests: one statement, all rows."""

from __future__ import annotations

import duckdb


def query(db, sql: str, params=None) -> list[tuple]:
    if isinstance(db, duckdb.DuckDBPyConnection):
        return db.execute(sql, params or []).fetchall()
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


CONSISTENT = {  # each must return no rows: every derived row belongs to a stored article or story
    "tags without article": "SELECT article_id FROM article_topics EXCEPT SELECT article_id FROM articles",
    "signatures without article": "SELECT article_id FROM article_signatures EXCEPT SELECT article_id FROM articles",
    "bands without article": "SELECT article_id FROM article_bands EXCEPT SELECT article_id FROM articles",
    "article without story": "SELECT article_id FROM articles WHERE story_id NOT IN (SELECT story_id FROM stories)",
    "story counts": """SELECT s.story_id FROM stories s LEFT JOIN articles a USING (story_id)
                       GROUP BY s.story_id, s.n_articles HAVING count(a.article_id) <> s.n_articles""",
}


def assert_consistent(db) -> None:
    """Every tag, fingerprint and story row belongs to a stored article, and story counts hold."""
    assert {name: query(db, sql) for name, sql in CONSISTENT.items()} == {name: [] for name in CONSISTENT}
