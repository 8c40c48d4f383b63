-- Insert or update story rows (fw_stories is a registered DataFrame). $now: UTC timestamp.
INSERT INTO stories (story_id, headline, wire_agency, first_published_at, last_published_at, first_outlet,
                     representative_id, n_articles, n_outlets, updated_at)
SELECT story_id, headline, wire_agency, first_published_at, last_published_at, first_outlet,
       representative_id, n_articles, n_outlets, $now
FROM fw_stories
ON CONFLICT (story_id) DO UPDATE SET
    headline = excluded.headline,
    wire_agency = excluded.wire_agency,
    first_published_at = excluded.first_published_at,
    last_published_at = excluded.last_published_at,
    first_outlet = excluded.first_outlet,
    representative_id = excluded.representative_id,
    n_articles = excluded.n_articles,
    n_outlets = excluded.n_outlets,
    updated_at = excluded.updated_at
