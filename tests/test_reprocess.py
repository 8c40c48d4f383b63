"""The reprocess flow: re-extract and re-group from the raw archive of an ingest run, with no network."""

from __future__ import annotations

import duckdb
import pytest
import requests
from dbquery import assert_consistent, query

from forumwatch.flows.reprocess import ReprocessError, reprocess

pytestmark = pytest.mark.usefixtures("prefect_harness", "fast_crawl")


ARTICLES = "SELECT * EXCLUDE (run_id, updated_at, fetched_at) FROM articles ORDER BY article_id"
STORIES = "SELECT * EXCLUDE (updated_at) FROM stories ORDER BY story_id"


def test_reprocess_from_the_archive_gives_the_same_articles_and_stories(tmp_path, snapshot_ingested, monkeypatch):
    db = snapshot_ingested.copy_to(tmp_path)  # the session's ingest run (completed), with its raw archive
    articles, stories = query(db, ARTICLES), query(db, STORIES)
    topics = query(db, "SELECT * FROM article_topics ORDER BY ALL")
    assert len(articles) > 5 and (tmp_path / "raw").is_dir()
    # an old extractor's output: one text mangled (its tags and story come back with the new text)
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE articles SET text = 'garbled', content_sha1 = 'old' WHERE url LIKE '%china-russia-ready-to-tackle%'"
    )
    con.close()

    def no_network(*args, **kwargs):
        raise AssertionError("reprocess must not use the network")

    monkeypatch.setattr(requests.Session, "request", no_network)
    state = reprocess(db=str(db), return_state=True)
    assert state.is_completed(), state.message
    assert query(db, ARTICLES) == articles
    assert query(db, STORIES) == stories
    assert query(db, "SELECT * FROM article_topics ORDER BY ALL") == topics
    assert_consistent(db)
    assert query(db, "SELECT flow, status, n_updated FROM runs WHERE flow = 'reprocess'") == [
        ("reprocess", "completed", 1)
    ]

    again = reprocess(db=str(db), return_state=True)  # idempotent
    assert again.is_completed()
    assert query(db, ARTICLES) == articles and query(db, STORIES) == stories


def test_reprocess_refuses_a_missing_database(tmp_path):
    with pytest.raises(ReprocessError, match="no database"):
        reprocess.fn(db=str(tmp_path / "none.duckdb"))
