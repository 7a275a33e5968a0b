// Jobs set torch's process-wide thread count from their configuration, and determinism is per thread count:
// the tests of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
