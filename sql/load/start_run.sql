-- Record a run as started (a rerun with the same run_id restarts its row).
INSERT INTO runs (run_id, flow, started_at, status, parameters)
VALUES ($run_id, $flow, $started_at, 'running', $parameters)
ON CONFLICT (run_id) DO UPDATE SET started_at = excluded.started_at, status = 'running', finished_at = NULL;
