-- Runs still marked running: candidates for being marked interrupted when their process is gone.
SELECT run_id, flow, host, pid, pid_started, coalesce(heartbeat_at, started_at) AS last_seen
FROM runs
WHERE status = 'running' AND run_id <> $run_id
ORDER BY started_at;
