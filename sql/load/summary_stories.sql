-- The demo's story table: one row per story this run ($run_id) stored a copy of, largest first.
SELECT s.n_articles AS copies, s.n_outlets AS outlets, s.wire_agency AS wire,
       strftime(s.first_published_at, '%Y-%m-%d %H:%M') AS first_published_utc, s.first_outlet,
       left(s.headline, 70) AS headline
FROM stories s
WHERE s.story_id IN (SELECT story_id FROM articles WHERE run_id = $run_id)  -- stories this run stored copies of
ORDER BY s.n_articles DESC, s.first_published_at, s.story_id
LIMIT 20;
