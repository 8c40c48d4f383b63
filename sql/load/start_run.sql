-- Record a run as started, with the process that runs it (a rerun with the same run_id restarts its row).
INSERT INTO runs (run_id, flow, started_at, status, parameters, host, pid, pid_started, heartbeat_at)
VALUES ($run_id, $flow, $started_at, 'running', $parameters, $host, $pid, $pid_started, $started_at)
ON CONFLICT (run_id) DO UPDATE SET
    started_at = excluded.started_at, status = 'running', finished_at = NULL, host = excluded.host,
    pid = excluded.pid, pid_started = excluded.pid_started, heartbeat_at = excluded.heartbeat_at;
