-- A DuckLake catalog only: one row that every forumwatch write transaction updates (forumwatch.lake.serialize),
-- so two writers' transactions conflict and the later one is retried, instead of both inserting one article.
CREATE TABLE IF NOT EXISTS lake_writes (n BIGINT NOT NULL);
INSERT INTO lake_writes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM lake_writes);
