"""Fault suite helpers: tight limits, unique article prose, feed and page builders, DB queries.

Every server here listens on a loopback address (127.0.0.0/8); no test sends traffic elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest
from dbquery import query  # noqa: F401  (re-exported for the fault tests)

# Tight limits for the whole fault suite (read by forumwatch.settings at flow start).
FAULT_ENV = {
    "FORUMWATCH_CRAWL_DELAY": "0",
    "FORUMWATCH_BACKOFF_BASE": "0.01",
    "FORUMWATCH_CONNECT_TIMEOUT": "1",
    "FORUMWATCH_READ_TIMEOUT": "1.5",
    "FORUMWATCH_TOTAL_TIMEOUT": "3",
    "FORUMWATCH_MAX_BYTES": str(2 * 1024 * 1024),
    "FORUMWATCH_RETRIES": "2",
    "FORUMWATCH_MAX_RETRY_AFTER": "5",
    "FORUMWATCH_MAX_WORKERS": "24",
    "FORUMWATCH_EXTRACT_WORKERS": "2",
    "FORUMWATCH_MAX_FEED_ITEMS": "500",
}
MAX_BYTES = int(FAULT_ENV["FORUMWATCH_MAX_BYTES"])
MAX_FEED_ITEMS = int(FAULT_ENV["FORUMWATCH_MAX_FEED_ITEMS"])


@pytest.fixture(scope="module")
def fault_env():
    with pytest.MonkeyPatch.context() as mp:
        for key, value in FAULT_ENV.items():
            mp.setenv(key, value)
        yield dict(FAULT_ENV)


# --- content ---------------------------------------------------------------------------------

_VOCAB = """defence minister delegation summit forum dialogue security maritime strait navy patrol exercise
treaty missile warhead arsenal verification inspection sanction embargo corridor pipeline border
frontier ceasefire envoy ambassador communique declaration partnership alliance coalition doctrine
deterrence escalation drone satellite cyber intelligence logistics shipyard frigate destroyer
submarine carrier airbase garrison brigade regiment battalion commander admiral general colonel
spokesman ministry parliament cabinet premier president chancellor council committee panel
session keynote plenary roundtable delegate observer analyst scholar researcher institute
academy university archive report survey estimate forecast budget spending procurement contract
tender export import quota tariff grain fertiliser energy uranium reactor grid refinery harbour
port canal island reef shoal atoll lagoon peninsula plateau valley river delta coast mountain
desert steppe tundra glacier monsoon typhoon harvest famine refugee convoy shelter hospital
clinic school bridge railway highway tunnel airport terminal warehouse depot arsenal factory
northern southern eastern western central coastal inland remote urban rural ancient modern
rapid gradual formal informal public private joint bilateral multilateral regional global
quietly openly firmly sharply briefly repeatedly jointly separately promptly eventually""".split()


def prose(seed: str, paragraphs: int = 5, words: int = 45) -> list[str]:
    """Deterministic, distinct English-like paragraphs (so no two test pages group as one story)."""
    out = []
    counter = 0
    for p in range(paragraphs):
        chosen = []
        while len(chosen) < words:
            digest = hashlib.sha256(f"{seed}|{p}|{counter}".encode()).digest()
            counter += 1
            chosen += [_VOCAB[b % len(_VOCAB)] for b in digest[:8]]
        sentence = " ".join(chosen[:words])
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return out


def article_html(
    title: str,
    paragraphs: list[str],
    charset: str | None = "utf-8",
    lang: str = "en",
    date: str = "2024-05-31T09:00:00+00:00",
) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title>'
        f'<meta property="article:published_time" content="{date}"></head><body>'
        f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{title}</h1>{body}</article><footer>Copyright</footer></body></html>"
    )


def page(title: str, seed: str | None = None) -> bytes:
    return article_html(title, prose(seed or title)).encode("utf-8")


RSS_ITEM = "<item><title>{title}</title><link>{link}</link><pubDate>Fri, 31 May 2024 09:00:00 +0000</pubDate></item>"


def rss(items: list[tuple[str, str]], extra: str = "") -> bytes:
    body = "".join(RSS_ITEM.format(title=t, link=l) for t, l in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>feed</title>'
        f"<link>http://example.invalid/</link><description>d</description>{extra}{body}</channel></rss>"
    ).encode()


# --- database --------------------------------------------------------------------------------


def hashable(value):
    """Rows with lists (VARCHAR[] columns) made hashable, for set comparisons."""
    if isinstance(value, (list, tuple)):
        return tuple(hashable(v) for v in value)
    return value


CONTENT_QUERIES = {
    # compared by content: no run ids, fetch times or load times
    "articles": """SELECT url, source_id, title, published_at, published_at_source, published_at_precision, date_note,
                          text, author, sitename, language, description, word_count, content_sha1, wire_agency,
                          dateline_place, dateline_date, list_sort(cited_media)
                   FROM articles ORDER BY url""",
    "stories": """SELECT s.headline, s.wire_agency, s.first_published_at, s.last_published_at, s.first_outlet,
                         r.url, s.n_articles, s.n_outlets,
                         (SELECT list(a.url ORDER BY a.url) FROM articles a WHERE a.story_id = s.story_id)
                  FROM stories s LEFT JOIN articles r ON r.article_id = s.representative_id
                  ORDER BY r.url""",
    "article_topics": """SELECT a.url, t.* EXCLUDE (article_id) FROM article_topics t
                         JOIN articles a USING (article_id) ORDER BY ALL""",
    "article_forums": """SELECT a.url, t.* EXCLUDE (article_id) FROM article_forums t
                         JOIN articles a USING (article_id) ORDER BY ALL""",
    "article_people": """SELECT a.url, t.* EXCLUDE (article_id) FROM article_people t
                         JOIN articles a USING (article_id) ORDER BY ALL""",
    "story_membership": """SELECT a.url, r.url FROM articles a JOIN stories s USING (story_id)
                           LEFT JOIN articles r ON r.article_id = s.representative_id ORDER BY ALL""",
}


def content_snapshot(db) -> dict[str, list[tuple]]:
    """The analyst-visible content of a database, free of run ids and timestamps of loading."""
    return {name: [hashable(row) for row in query(db, sql)] for name, sql in CONTENT_QUERIES.items()}


def all_text(db) -> str:
    """Every VARCHAR value in every table (to prove a secret never reached the database)."""
    con = db if isinstance(db, duckdb.DuckDBPyConnection) else duckdb.connect(str(db), read_only=True)
    try:
        chunks = []
        for schema, table, column in con.execute(  # every schema: the search indexes have their own
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' OR data_type LIKE 'VARCHAR[]'"
        ).fetchall():
            for (value,) in con.execute(
                f'SELECT "{column}"::VARCHAR FROM "{schema}"."{table}" WHERE "{column}" IS NOT NULL'
            ).fetchall():
                chunks.append(value)
        return "\n".join(chunks)
    finally:
        if con is not db:
            con.close()


def write_sources(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A sources CSV whose `id` column is the slug of each name: runs against servers on other addresses
    (and the comparisons between them) keep the same source ids."""
    from forumwatch.tasks.sources import slugify

    lines = "".join(f"{slugify(name)},{name},{url}\n" for name, url in rows)
    path.write_text("id,name,feed_url\n" + lines, encoding="utf-8")
    return path


def harness_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for `forumwatch` subprocesses: the harness's Prefect API, the fault limits."""
    import prefect.settings

    env = {**os.environ, **FAULT_ENV, **(extra or {})}
    env["PREFECT_API_URL"] = str(prefect.settings.PREFECT_API_URL.value())
    env["PYTHONUNBUFFERED"] = "1"
    return env
