"""A run's time budget, end to end: the ingest command against real loopback hosts, one of which asks for a
30 s crawl delay that no page of it could wait out within the budget."""

from __future__ import annotations

import pytest
from dbquery import query
from multihost import article, loopback_hosts

from forumwatch.cli import main
from forumwatch.flows.ingest import ingest

pytestmark = pytest.mark.usefixtures("prefect_harness", "fast_crawl")


def rss(links: list[str]) -> str:
    items = "".join(f"<item><title>Story {i}</title><link>{url}</link></item>" for i, url in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Forum news</title>{items}</channel></rss>'


def test_a_spent_budget_loads_what_was_fetched_skips_the_rest_and_a_rerun_loads_it(tmp_path, monkeypatch):
    """Budget 0.5 min; the pages host asks Crawl-delay 30 s: its first page could only start after the budget,
    so none is waited for. The feed host's pages load; the others get 'skipped:' rows; the run is partial
    (exit 3), and a rerun without a budget (and the delay gone) loads them."""
    with loopback_hosts() as start:
        home, slow = start(2)
        slow.robots = "User-agent: *\nCrawl-delay: 30\n"
        own = [home.url(f"/news/{i}.html") for i in range(2)]
        delayed = [slow.url(f"/news/{i}.html") for i in range(3)]
        home.page = lambda path, address: rss(own + delayed) if path == "/feed.xml" else article(path, address)
        monkeypatch.setenv("FORUMWATCH_ALLOW_PRIVATE_HOSTS", slow.address)  # the second loopback host's pages
        monkeypatch.setenv("FORUMWATCH_EXTRACT_WORKERS", "1")  # a few pages: extracted in this process
        sources = tmp_path / "sources.csv"
        sources.write_text(f"id,name,feed_url\nforum-news,Forum News,{home.url('/feed.xml')}\n")
        db = tmp_path / "fw.duckdb"

        code = main(["ingest", "--sources", str(sources), "--db", str(db), "--max-minutes", "0.5"])
        assert code == 3  # as any partial run
        assert [path for path, _ in slow.log] == ["/robots.txt"]  # no page of the slow host was requested
        assert sorted(u for (u,) in query(db, "SELECT url FROM articles")) == own  # fetched, extracted, loaded
        rows = query(db, "SELECT url, status, error FROM fetches WHERE kind = 'page' ORDER BY url")
        assert [(u, s, e) for u, s, e in rows if u in own] == [(u, 200, None) for u in own]
        skipped = [(u, s, e) for u, s, e in rows if u in delayed]
        assert [u for u, _, _ in skipped] == delayed and all(s is None for _, s, _ in skipped)
        assert all(e.startswith("skipped: the run's time budget (0.5 min) ends before") for _, _, e in skipped)
        [(status, n_new, n_failed, n_skipped, message)] = query(
            db, "SELECT status, n_new, n_failed, n_skipped, message FROM runs"
        )
        assert (status, n_new, n_failed, n_skipped) == ("partial", 2, 0, 3)
        assert "the run's time budget was spent: 3 pages and 0 feeds skipped, fetched next run" in message

        slow.robots = None  # the delay lifted; no budget: the skipped pages are pending and load
        state = ingest(sources=str(sources), db=str(db), max_minutes=0, return_state=True)
        assert state.is_completed() and state.name == "Completed", state.message
        assert sorted(u for (u,) in query(db, "SELECT url FROM articles")) == sorted(own + delayed)
        assert query(db, "SELECT status, n_skipped FROM runs ORDER BY started_at") == [("partial", 3), ("completed", 0)]


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "soon"])
def test_a_budget_that_is_not_a_number_of_minutes_is_refused(value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["backfill", "--start", "2023-10-01", "--end", "2023-10-02", "--max-minutes", value])
    assert exit_.value.code == 2 and "must be a number of minutes, 0 (no budget) or more" in capsys.readouterr().err
