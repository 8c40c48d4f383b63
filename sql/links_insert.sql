-- The new links (fw_links: write_links checked that no row of these pairs is stored). $now: UTC timestamp.
INSERT INTO story_links (story_a, story_b, language_a, language_b, score, evidence, linked_at)
SELECT n.story_a, n.story_b, n.language_a, n.language_b, n.score, n.evidence, $now
FROM fw_links n
