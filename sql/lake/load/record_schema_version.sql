-- load/record_schema_version.sql for a DuckLake catalog (no keys, so MERGE instead of ON CONFLICT).
MERGE INTO schema_version s
USING (SELECT $version AS version, $applied_at AS applied_at, $forumwatch_version AS forumwatch_version,
              $note AS note) AS b
ON s.version = b.version
WHEN MATCHED THEN UPDATE SET applied_at = b.applied_at, note = b.note
WHEN NOT MATCHED THEN INSERT (version, applied_at, forumwatch_version, note)
    VALUES (b.version, b.applied_at, b.forumwatch_version, b.note);
