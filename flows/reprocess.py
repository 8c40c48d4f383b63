"""The reprocess flow: re-extract and re-group every page in the raw WARC archive, with no network."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from forumwatch import db as fwdb
from forumwatch.flows.ingest import current_run_id, report
from forumwatch.flows.steps import (
    PageFetch,
    PagePlan,
    SourceStats,
    closing_run,
    extract_pages,
    extraction_starting,
    final_state,
    finish_run,
    interrupted_state,
    load_pages,
    prepare_run,
    refuse_replacements,
    run_status,
)
from forumwatch.flows.stop import RunInterrupted, check_stop
from forumwatch.settings import default_db_path, pipeline_settings, raw_dir_for
from forumwatch.tasks.extract import Extracted
from forumwatch.tasks.fetch import FetchRequest
from forumwatch.tasks.sources import Source
from forumwatch.tasks.warc import archive_key
from forumwatch.tasks.warc_input import ArchivedPage, read_pages
from forumwatch.tasks.workers import frozen_heap

REGROUP_BATCH = 5000


class ReprocessError(ValueError):
    """The reprocess parameters cannot be used; the message says why."""


def configured_sources(db: str) -> list[Source]:
    """The sources table of an existing database, as Source records."""
    with fwdb.connect(db) as con:
        rows = con.execute(
            "SELECT source_id, name, feed_url, homepage, country, language, kind, crawl_delay, "
            "sitemap_url, timezone FROM sources ORDER BY source_id"
        ).fetchall()
    return [Source(*row) for row in rows]


@task(cache_policy=NO_CACHE)
def read_archive(raw_dir: str, sources: list[Source], db: str, trust_unsigned: bool = False) -> list[ArchivedPage]:
    """The latest 200 HTML page response per URL in the raw archive; records signed with the key of the
    database's own archive (or every record, when the operator vouches with trust_unsigned) keep their
    source and may replace stored articles; others are placed by host and never replace one."""
    return read_pages([raw_dir], sources, archive_key(raw_dir_for(db)), vouched=trust_unsigned)


@task(cache_policy=NO_CACHE)
def regroup(db: str, article_ids: list[str], window_days: int) -> int:
    """Re-run story grouping and cross-language links over the reprocessed articles (a no-op when nothing
    changed)."""
    from forumwatch.tasks.dedupe import assign_stories
    from forumwatch.tasks.links import link_stories

    changed = 0
    with fwdb.connect(db) as con:
        ids = sorted(set(article_ids) & {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()})
        for i in range(0, len(ids), REGROUP_BATCH):
            con.begin()
            changed += assign_stories(con, ids[i : i + REGROUP_BATCH], window_days=window_days)["articles_changed"]
            link_stories(con, ids[i : i + REGROUP_BATCH])
            con.commit()
    return changed


def _in_range(page: Extracted | None, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    if page is None or page.published_at is None:
        return False
    day = page.published_at.date()
    return (start is None or day >= start) and (end is None or day <= end)


@flow(name="reprocess")
def reprocess(
    db: str = str(default_db_path()),
    raw_dir: str | None = None,
    start: date | None = None,
    end: date | None = None,
    trust_unsigned: bool = False,
):
    """Re-extract, re-tag and re-group the pages of the raw archive (beside the DB); optionally only
    those published within [start, end]."""
    if start and end and start > end:
        raise ReprocessError(f"--start {start} is after --end {end}")
    if not fwdb.is_local_path(db) or not Path(db).is_file():
        raise ReprocessError(f"no database at {db}: reprocess works on the archive of an existing database")
    raw = Path(raw_dir) if raw_dir else raw_dir_for(db)
    if not raw.is_dir():
        raise ReprocessError(f"no raw archive at {raw}")
    sources, pipeline, run_id = configured_sources(db), pipeline_settings(), current_run_id()
    parameters = {"db": db, "raw_dir": str(raw), "start": start, "end": end, "trust_unsigned": trust_unsigned}
    with extraction_starting(pipeline):
        prepare_run(db, sources, run_id, "reprocess", parameters)
    try:
        with closing_run(db, run_id), frozen_heap():
            stats = _reprocess(db, run_id, str(raw), sources, pipeline, start, end, trust_unsigned)
            check_stop()
            message = finish_run(db, run_id, stats)
    except RunInterrupted as exc:
        get_run_logger().warning("reprocess %s", exc)
        return interrupted_state(exc)
    report(stats, f"reprocess: {message}")
    return final_state(run_status(stats), message, {s.source_id: vars(s) for s in stats.values()})


def _reprocess(db, run_id, raw_dir, sources, pipeline, start, end, trust_unsigned=False) -> dict[str, SourceStats]:
    logger = get_run_logger()
    pages = read_archive(raw_dir, sources, db, trust_unsigned)
    stats = {s.source_id: SourceStats(s.source_id, feed_status="archive") for s in sources}
    logger.info("%d archived pages to re-extract from %s", len(pages), raw_dir)
    article_ids: list[str] = []
    for i in range(0, len(pages), pipeline.batch_size):
        check_stop()
        batch = pages[i : i + pipeline.batch_size]
        plans = [PagePlan(FetchRequest(p.item.url, p.item.source_id, "warc"), p.item, None) for p in batch]
        fetched = PageFetch([p.result for p in batch], [])
        extracted = extract_pages(quote(plans), quote(fetched), sources, pipeline)  # quote(): no walk for futures
        allowed = refuse_replacements(db, run_id, batch, extracted)
        for page, ok in zip(batch, allowed):
            if not ok:
                stats[page.item.source_id].failed += 1
        keep = [n for n, page in enumerate(extracted) if allowed[n] and _in_range(page, start, end)]
        plans, fetched = [plans[n] for n in keep], PageFetch([fetched.results[n] for n in keep], [])
        outcome = load_pages(db, run_id, quote(plans), quote(fetched), quote([extracted[n] for n in keep]), pipeline)
        for (source_id, kind), n in outcome.counts.items():
            setattr(stats[source_id], kind, getattr(stats[source_id], kind) + n)
        for source_id in {p.item.source_id for p in plans}:
            stats[source_id].items += sum(1 for p in plans if p.item.source_id == source_id)
        article_ids += [extracted[n].article_id for n in keep if extracted[n] is not None]
    check_stop()
    changed = regroup(db, article_ids, pipeline.story_window_days)
    logger.info("regrouped %d articles: %d changed story", len(article_ids), changed)
    return stats
