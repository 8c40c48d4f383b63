-- Coverage status of every (source, day, method) of a backfill range.
SELECT source_id, day, method, status
FROM coverage
WHERE day BETWEEN $start AND $end;
