-- Set each article's story columns (fw_story_articles is a registered DataFrame).
UPDATE articles
SET story_id = u.story_id, story_similarity = u.story_similarity, headline_changed = u.headline_changed
FROM fw_story_articles u
WHERE articles.article_id = u.article_id
