-- Schema version 4 (paths in normal form, forumwatch.identity.normal_path): stored URLs whose path would change.
-- One pass per table; $pattern is identity.UNNORMAL_PATH_PATTERN. Articles: by url or link_url.
SELECT article_id, url, link_url
FROM articles
WHERE regexp_matches(url, $pattern) OR regexp_matches(coalesce(link_url, ''), $pattern);
