namespace MesaLab.Store;

/// <summary>One inconsistency found by <see cref="IRunStore.Check"/>.</summary>
/// <param name="RunId">The run it concerns, when it concerns one.</param>
/// <param name="Description">One sentence naming what is wrong and where.</param>
public sealed record StoreProblem(StoreProblemKind Kind, string? RunId, string Description)
{
    public override string ToString() => Description;
}

/// <summary>The kinds of inconsistency <see cref="IRunStore.Check"/> looks for.</summary>
public enum StoreProblemKind
{
    /// <summary>The database's own consistency check failed (SQLite <c>integrity_check</c>).</summary>
    DamagedDatabase,
    /// <summary>More than one value for one (run, update, metric name).</summary>
    DuplicateMetric,
    /// <summary>A recorded checkpoint whose file is not in the workspace.</summary>
    MissingCheckpointFile,
    /// <summary>A recorded checkpoint whose file has another size or SHA-256 than recorded.</summary>
    DamagedCheckpointFile,
    /// <summary>A run recorded as running that no live process holds.</summary>
    RunWithoutHolder,
    /// <summary>An evaluation whose stored episodes do not number its episode count.</summary>
    EpisodeCountMismatch,
    /// <summary>A temporary file of an atomic write that never finished, left in the workspace.</summary>
    AbandonedTemporaryFile,
    /// <summary>A study job recorded as running that no live worker holds.</summary>
    StudyJobWithoutHolder,
}
