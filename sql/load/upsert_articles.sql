-- Insert new articles and refresh changed ones from `batch`; first_seen_at and story columns are kept.
INSERT INTO articles (article_id, url, source_id, title, published_at, published_at_source, published_at_precision,
                      date_note, text, author, sitename, language, description, word_count, content_sha1,
                      wire_agency, dateline_place, dateline_date, cited_media, fetched_at, first_seen_at,
                      updated_at, run_id)
SELECT article_id, url, source_id, title, published_at, published_at_source, published_at_precision,
       date_note, text, author, sitename, language, description, word_count, content_sha1,
       wire_agency, dateline_place, dateline_date, cited_media, fetched_at, fetched_at, fetched_at, run_id
FROM batch
ON CONFLICT (article_id) DO UPDATE SET
    url = excluded.url,
    source_id = excluded.source_id,
    title = excluded.title,
    published_at = excluded.published_at,
    published_at_source = excluded.published_at_source,
    published_at_precision = excluded.published_at_precision,
    date_note = excluded.date_note,
    text = excluded.text,
    author = excluded.author,
    sitename = excluded.sitename,
    language = excluded.language,
    description = excluded.description,
    word_count = excluded.word_count,
    content_sha1 = excluded.content_sha1,
    wire_agency = excluded.wire_agency,
    dateline_place = excluded.dateline_place,
    dateline_date = excluded.dateline_date,
    cited_media = excluded.cited_media,
    fetched_at = excluded.fetched_at,
    updated_at = excluded.updated_at,
    run_id = excluded.run_id;
