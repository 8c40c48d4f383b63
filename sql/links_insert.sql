-- The new links (fw_links) not stored yet. $now: UTC timestamp.
INSERT INTO story_links (story_a, story_b, language_a, language_b, score, evidence, linked_at)
SELECT n.story_a, n.story_b, n.language_a, n.language_b, n.score, n.evidence, $now
FROM fw_links n
WHERE NOT EXISTS (SELECT 1 FROM story_links l WHERE l.story_a = n.story_a AND l.story_b = n.story_b)
