// Cli.Run sets the process-wide Output.Current, so CLI tests must not run in parallel with each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
