-- One row per (source, day, method) from `batch`; a later run of the same day replaces it.
INSERT INTO coverage (source_id, day, method, found, loaded, failed, out_of_range, undated, status, note, run_id,
                      updated_at)
SELECT source_id, day, method, found, loaded, failed, out_of_range, undated, status, note, run_id, updated_at
FROM batch
ON CONFLICT (source_id, day, method) DO UPDATE SET
    found = excluded.found,
    loaded = excluded.loaded,
    failed = excluded.failed,
    out_of_range = excluded.out_of_range,
    undated = excluded.undated,
    status = excluded.status,
    note = excluded.note,
    run_id = excluded.run_id,
    updated_at = excluded.updated_at;
