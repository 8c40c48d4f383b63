-- load/start_run.sql for a DuckLake catalog (no keys, so MERGE instead of ON CONFLICT).
MERGE INTO runs r
USING (SELECT $run_id AS run_id, $flow AS flow, $started_at AS started_at, $parameters AS parameters,
              $host AS host, $pid AS pid, $pid_started AS pid_started) AS b
ON r.run_id = b.run_id
WHEN MATCHED THEN UPDATE SET
    started_at = b.started_at, status = 'running', finished_at = NULL, host = b.host, pid = b.pid,
    pid_started = b.pid_started, heartbeat_at = b.started_at
WHEN NOT MATCHED THEN INSERT (run_id, flow, started_at, status, parameters, host, pid, pid_started, heartbeat_at)
    VALUES (b.run_id, b.flow, b.started_at, 'running', b.parameters, b.host, b.pid, b.pid_started, b.started_at);
