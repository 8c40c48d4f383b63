"""The reprocess flow: re-extract and re-group from the raw archive of an ingest run, with no network."""

from __future__ import annotations

import duckdb
import pytest
import requests
from dbquery import assert_consistent, query

from forumwatch.flows.ingest import ingest
from forumwatch.flows.reprocess import ReprocessError, reprocess
from forumwatch.snapshot_server import serve_snapshot, write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness", "fast_crawl")


def assert_same_articles_on_both_ports(db, expected_pages, second_base: str) -> None:
    """Two demo runs on two ports: each page stored once, under its own canonical URL (the default port);
    the second run's fetches list its own URLs; no sidebar topic came from the table-layout page."""
    good = [p for p in expected_pages["pages"] if p["status"] == 200]
    urls = [u for (u,) in query(db, "SELECT url FROM articles")]
    assert sorted(urls) == sorted("http://127.0.0.1:8765" + p["path"] for p in good)
    assert query(db, "SELECT n_new FROM runs ORDER BY started_at") == [(len(good),), (0,)]
    second = query(db, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")[0][0]
    fetched = query(db, "SELECT url FROM fetches WHERE run_id = ? AND kind = 'page' AND status = 200", [second])
    assert len(fetched) == len(good) and all(u.startswith(second_base) for (u,) in fetched)
    assert query(db, "SELECT count(*) FROM articles WHERE canonical_note IS NOT NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM article_topics WHERE topic = 'middle_east'") == [(0,)]
    assert_consistent(db)


# link_url: the link that last delivered the text (the archive holds each page under two ports' links)
ARTICLES = "SELECT * EXCLUDE (run_id, updated_at, fetched_at, link_url) FROM articles ORDER BY article_id"
STORIES = "SELECT * EXCLUDE (updated_at) FROM stories ORDER BY story_id"


def test_reprocess_from_the_archive_gives_the_same_articles_and_stories(
    tmp_path, snapshot_sources, expected_pages, monkeypatch
):
    db = tmp_path / "fw.duckdb"
    assert ingest(sources=str(snapshot_sources), db=str(db), return_state=True).is_completed()
    # the demo again on another port (its default one taken): the pages' canonical links keep their identity
    with serve_snapshot() as other:
        again = write_sources(other, tmp_path / "other-port.csv")
        assert ingest(sources=str(again), db=str(db), return_state=True).is_completed()
    assert_same_articles_on_both_ports(db, expected_pages, other)
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
    assert query(db, ARTICLES) == articles  # each page once, though the archive holds it under two links
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
