-- Close a run that did not finish its work (failed or interrupted), keeping the counts it recorded.
UPDATE runs SET finished_at = $finished_at, status = $status, message = $message
WHERE run_id = $run_id AND status = 'running';
