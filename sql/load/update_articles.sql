-- Refresh stored articles from `batch` (all of them stored); first_seen_at and story columns are kept.
UPDATE articles
SET url = b.url,
    source_id = b.source_id,
    title = b.title,
    published_at = b.published_at,
    published_at_source = b.published_at_source,
    published_at_precision = b.published_at_precision,
    date_note = b.date_note,
    text = b.text,
    author = b.author,
    sitename = b.sitename,
    language = b.language,
    language_source = b.language_source,
    description = b.description,
    word_count = b.word_count,
    content_sha1 = b.content_sha1,
    wire_agency = b.wire_agency,
    dateline_place = b.dateline_place,
    dateline_date = b.dateline_date,
    cited_media = b.cited_media,
    fetched_at = b.fetched_at,
    updated_at = b.fetched_at,
    run_id = b.run_id,
    link_url = b.link_url,
    canonical_note = b.canonical_note
FROM batch b
WHERE articles.article_id = b.article_id
