-- load/upsert_coverage.sql for a DuckLake catalog (no keys, so MERGE instead of ON CONFLICT).
MERGE INTO coverage c
USING batch b
ON c.source_id = b.source_id AND c.day = b.day AND c.method = b.method
WHEN MATCHED THEN UPDATE SET
    found = b.found, loaded = b.loaded, failed = b.failed, out_of_range = b.out_of_range, undated = b.undated,
    status = b.status, note = b.note, run_id = b.run_id, updated_at = b.updated_at
WHEN NOT MATCHED THEN INSERT (source_id, day, method, found, loaded, failed, out_of_range, undated, status, note,
                              run_id, updated_at)
    VALUES (b.source_id, b.day, b.method, b.found, b.loaded, b.failed, b.out_of_range, b.undated, b.status, b.note,
            b.run_id, b.updated_at);
