namespace MesaLab.Store;

/// <summary>One stored run: a training, evaluation or analysis job and its configuration.</summary>
/// <param name="Id">Short stable identifier (8 hex digits), unique in the store.</param>
/// <param name="Name">Human name, unique in the store (a suffix <c>-2</c>, <c>-3</c>… is added on collision).</param>
/// <param name="Kind">What the run does: <c>train</c>, <c>evaluate</c>, <c>quantilize</c>, …</param>
/// <param name="World">The world's name.</param>
/// <param name="Config">The effective experiment configuration (YAML text) that reproduces the run.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="CodeVersion"><c>git describe</c> of the code that made the run, or the assembly version.</param>
/// <param name="Status">The status its last holder recorded; <see cref="EffectiveStatus"/> is what to show.</param>
/// <param name="WallSeconds">Wall-clock seconds spent on the run so far (summed over resumptions by the caller).</param>
/// <param name="Host">Machine that last wrote the run.</param>
public sealed record RunRecord(
    string Id,
    string Name,
    string Kind,
    string World,
    string Config,
    long Seed,
    string CodeVersion,
    RunStatus Status,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    DateTimeOffset? Finished,
    double WallSeconds,
    string Host)
{
    /// <summary>The run's lease as read with the run, or null when no process holds it; <see cref="RunLease.Live"/> says whether its holder still works on it.</summary>
    public RunLease? Lease { get; init; }

    /// <summary>Why the run failed, as its holder recorded it (null unless <see cref="Status"/> is failed).</summary>
    public string? Error { get; init; }

    /// <summary>The study the run belongs to, or null.</summary>
    public string? Study { get; init; }

    /// <summary>The job of <see cref="Study"/> the run does, or null.</summary>
    public string? StudyJob { get; init; }

    /// <summary>Whether a live process holds the run now.</summary>
    public bool Held => Lease is { Live: true };

    /// <summary>
    /// The status as it stands: <see cref="RunStatus.Interrupted"/> for a run recorded as running that no live
    /// process holds (killed, crashed, its machine stopped), otherwise <see cref="Status"/>. Listings show this.
    /// </summary>
    public RunStatus EffectiveStatus => Status == RunStatus.Running && !Held ? RunStatus.Interrupted : Status;
}
