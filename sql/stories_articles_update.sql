-- Set each article's story columns where they changed (fw_story_articles is a registered DataFrame).
UPDATE articles
SET story_id = u.story_id, story_similarity = u.story_similarity, headline_changed = u.headline_changed
FROM fw_story_articles u
WHERE articles.article_id = u.article_id
  AND (articles.story_id, articles.story_similarity, articles.headline_changed)
      IS DISTINCT FROM (u.story_id, u.story_similarity, u.headline_changed)
