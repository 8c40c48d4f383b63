-- Record a run's outcome and counts.
UPDATE runs SET
    finished_at = $finished_at, status = $status, n_sources = $n_sources, n_sources_failed = $n_sources_failed,
    n_feed_items = $n_feed_items, n_fetched = $n_fetched, n_new = $n_new, n_updated = $n_updated,
    n_unchanged = $n_unchanged, n_failed = $n_failed, n_skipped = $n_skipped, message = $message
WHERE run_id = $run_id;
