namespace MesaLab.Store;

/// <summary>
/// A run's lease: the one process allowed to work on the run (train it, resume it, write its checkpoints), and
/// when that process last said it was alive. A holder is live while its heartbeat is fresh and, on the same
/// machine, its process still runs; a run recorded as running without a live holder reads as interrupted.
/// </summary>
/// <param name="Acquired">When the holder took the lease (the store's clock).</param>
/// <param name="Heartbeat">When the holder last said it was alive (the store's clock).</param>
public sealed record RunLease(string RunId, RunHolder Holder, DateTimeOffset Acquired, DateTimeOffset Heartbeat)
{
    /// <summary>How often a holder should heartbeat: well within <see cref="StaleAfter"/>.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(20);

    /// <summary>A holder that has not heartbeat for this long is taken to be gone (a machine that died, a hung process).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    /// <summary>Whether the holder was live when this lease was read (see the type's summary).</summary>
    public bool Live { get; init; } = true;
}
