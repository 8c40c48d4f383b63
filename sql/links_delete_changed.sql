-- Links of the stories of fw_link_stories that the new links (fw_links) do not repeat exactly.
DELETE FROM story_links l
WHERE (l.story_a IN (SELECT story_id FROM fw_link_stories) OR l.story_b IN (SELECT story_id FROM fw_link_stories))
  AND NOT EXISTS (
      SELECT 1 FROM fw_links n
      WHERE n.story_a = l.story_a AND n.story_b = l.story_b AND n.language_a = l.language_a
        AND n.language_b = l.language_b AND n.score = l.score AND n.evidence = l.evidence
  )
