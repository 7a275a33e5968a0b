namespace MesaLab.Store;

/// <summary>One job of a stored study: which procedure and seed, its configuration, how far it got and who works on it.</summary>
/// <param name="Position">Order in which workers take jobs (0-based); a Slurm array task's index.</param>
/// <param name="State">The state its last holder recorded; <see cref="EffectiveState"/> is what to show.</param>
/// <param name="Attempts">How often a worker has taken the job.</param>
/// <param name="Failures">Failed attempts since the study was last started (retries are counted against these).</param>
/// <param name="Error">The error of the last failed attempt.</param>
/// <param name="Seconds">Wall-clock seconds of the last finished attempt, from taking the job to giving it back.</param>
public sealed record StudyJobRecord(
    string Study,
    string Job,
    int Position,
    string Procedure,
    long Seed,
    string Config,
    StudyJobState State,
    int Attempts,
    int Failures,
    string? Error,
    double Seconds,
    DateTimeOffset Updated)
{
    /// <summary>The job's run, once a worker created it (the run records the study and job it belongs to).</summary>
    public string? RunId { get; init; }

    /// <summary>The job's lease as read with it, or null when no worker holds it.</summary>
    public StudyJobLease? Lease { get; init; }

    /// <summary>Whether a live worker holds the job now.</summary>
    public bool Held => Lease is { Live: true };

    /// <summary>The state as it stands: <see cref="StudyJobState.Interrupted"/> for a job recorded as running that no live worker holds.</summary>
    public StudyJobState EffectiveState => State == StudyJobState.Running && !Held ? StudyJobState.Interrupted : State;

    /// <summary>Whether a worker may take the job now, with at most <paramref name="maxFailures"/> failed attempts allowed.</summary>
    public bool Claimable(int maxFailures) => EffectiveState switch
    {
        StudyJobState.Pending or StudyJobState.Interrupted => true,
        StudyJobState.Failed => Failures < maxFailures,
        _ => false,
    };
}

/// <summary>
/// A study job's lease: the one worker allowed to run the job, and when it last said it was alive. Judged like a
/// run's lease (<see cref="RunLease"/>): live while the heartbeat is fresh and, on the same machine, the process runs.
/// </summary>
public sealed record StudyJobLease(string Study, string Job, RunHolder Holder, DateTimeOffset Acquired, DateTimeOffset Heartbeat)
{
    /// <summary>Whether the holder was live when this lease was read.</summary>
    public bool Live { get; init; } = true;

    public override string ToString() => $"job {Job} of study {Study}";
}
