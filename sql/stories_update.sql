-- Refresh the stored stories of fw_stories (a registered DataFrame) whose columns changed. $now: UTC timestamp.
UPDATE stories
SET headline = f.headline,
    wire_agency = f.wire_agency,
    first_published_at = f.first_published_at,
    last_published_at = f.last_published_at,
    first_outlet = f.first_outlet,
    representative_id = f.representative_id,
    n_articles = f.n_articles,
    n_outlets = f.n_outlets,
    updated_at = $now
FROM fw_stories f
WHERE stories.story_id = f.story_id
  AND (stories.headline, stories.wire_agency, stories.first_published_at, stories.last_published_at,
       stories.first_outlet, stories.representative_id, stories.n_articles, stories.n_outlets)
      IS DISTINCT FROM
      (f.headline, f.wire_agency, f.first_published_at, f.last_published_at,
       f.first_outlet, f.representative_id, f.n_articles, f.n_outlets)
