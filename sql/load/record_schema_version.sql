-- Record the schema version the database was brought to (forumwatch.db.init_schema).
INSERT INTO schema_version (version, applied_at, forumwatch_version, note)
VALUES ($version, $applied_at, $forumwatch_version, $note)
ON CONFLICT (version) DO UPDATE SET applied_at = excluded.applied_at, note = excluded.note;
