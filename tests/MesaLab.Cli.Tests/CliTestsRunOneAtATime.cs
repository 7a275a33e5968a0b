// Cli.Run sets the process-wide Output.Current, so two verbs run in parallel by different test classes would
// write into each other's stdout. CLI tests therefore run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
