-- Insert the articles of `batch`, none of them stored yet (update_articles.sql refreshes stored ones).
INSERT INTO articles (article_id, url, source_id, title, published_at, published_at_source, published_at_precision,
                      date_note, text, author, sitename, language, language_source, description, word_count, content_sha1,
                      wire_agency, dateline_place, dateline_date, cited_media, fetched_at, first_seen_at,
                      updated_at, run_id, link_url, canonical_note)
SELECT article_id, url, source_id, title, published_at, published_at_source, published_at_precision,
       date_note, text, author, sitename, language, language_source, description, word_count, content_sha1,
       wire_agency, dateline_place, dateline_date, cited_media, fetched_at, fetched_at, fetched_at, run_id, link_url, canonical_note
FROM batch
