-- Stored story rows for the given ids. $ids: VARCHAR[]
SELECT story_id, headline, wire_agency, first_published_at, last_published_at, first_outlet,
       representative_id, n_articles, n_outlets
FROM stories
WHERE story_id = ANY($ids)
