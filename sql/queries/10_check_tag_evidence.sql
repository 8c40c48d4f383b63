-- Spot-check the tagger: the 50 most recent tags with the matched terms and the paragraph they came from
-- (paragraphs are the article text's non-blank lines, numbered from 0).
SELECT published_at, source_id, kind, tag, evidence, paragraph, n_paragraphs, title, url
FROM article_tags
ORDER BY published_at DESC NULLS LAST, article_id, kind, tag
LIMIT 50;
