// Each invocation has its own output, so verbs that touch no network run in parallel. Those that train or run
// networks share the "torch" collection: torch's thread count is process-wide and results are reproducible per thread count.
