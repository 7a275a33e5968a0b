namespace MesaLab.Store;

/// <summary>
/// Heartbeats a run's lease on a timer while its holder works, so a long update, evaluation or checkpoint never
/// lets the lease go stale; tells the holder when the lease is lost so that it stops writing to the run.
/// </summary>
/// <remarks>
/// A heartbeat that fails because the store cannot be reached is retried at the next tick; the lease counts as
/// lost when the store says another holder has it (or nobody does), or when no heartbeat has succeeded for
/// <see cref="RunLease.StaleAfter"/>, after which another process may take the run. Dispose it before
/// <see cref="IRunStore.ReleaseLease"/>.
/// </remarks>
public sealed class LeaseKeeper(IRunStore store, RunLease lease, TimeSpan? interval = null) : LeaseKeeper<RunLease>(lease,
    store.Heartbeat,
    l => store.FindRun(l.RunId)?.Lease?.Holder.Token == l.Holder.Token,
    l => $"run {l.RunId}",
    l => l.Holder,
    interval);

/// <summary>
/// Heartbeats a study job's lease while its worker runs the job (see <see cref="LeaseKeeper"/>); dispose it before
/// <see cref="IRunStore.ReleaseStudyJob"/>.
/// </summary>
public sealed class StudyJobKeeper(IRunStore store, StudyJobLease lease, TimeSpan? interval = null) : LeaseKeeper<StudyJobLease>(lease,
    store.HeartbeatStudyJob,
    l => store.StudyJobs(l.Study).FirstOrDefault(j => j.Job == l.Job)?.Lease?.Holder.Token == l.Holder.Token,
    l => l.ToString(),
    l => l.Holder,
    interval);

/// <summary>
/// The heartbeat loop of a lease of any kind: a heartbeat function renews it, and another
/// asks the store whether this holder still has it when a heartbeat fails.
/// </summary>
public abstract class LeaseKeeper<TLease> : IDisposable where TLease : class
{
    private readonly Func<TLease, TLease> heartbeat;
    private readonly Func<TLease, bool> stillOurs;
    private readonly Func<TLease, string> subject;
    private readonly Func<TLease, RunHolder> holder;
    private readonly Timer timer;
    private readonly CancellationTokenSource lost = new();
    private readonly Lock gate = new();
    private TLease lease;
    private DateTime lastSuccess = DateTime.UtcNow;
    private UserError? failure;
    private bool disposed;
    private int beating;

    /// <param name="interval">Time between heartbeats; <see cref="RunLease.HeartbeatInterval"/> by default.</param>
    protected LeaseKeeper(TLease lease, Func<TLease, TLease> heartbeat, Func<TLease, bool> stillOurs, Func<TLease, string> subject,
        Func<TLease, RunHolder> holder, TimeSpan? interval)
    {
        this.lease = lease;
        this.heartbeat = heartbeat;
        this.stillOurs = stillOurs;
        this.subject = subject;
        this.holder = holder;
        var every = interval ?? RunLease.HeartbeatInterval;
        timer = new Timer(_ => Beat(), null, every, every);
    }

    /// <summary>The lease with its latest heartbeat.</summary>
    public TLease Lease
    {
        get { lock (gate) return lease; }
    }

    /// <summary>Cancelled when the lease is lost: pass it to the work loop.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Throws the <see cref="UserError"/> saying why the lease was lost, if it was.</summary>
    public void ThrowIfLost()
    {
        lock (gate)
            if (failure is not null) throw failure;
    }

    private void Beat()
    {
        // A heartbeat slower than the interval (a busy store) makes the next tick skip rather than queue behind it.
        if (Interlocked.Exchange(ref beating, 1) == 1) return;
        try
        {
            BeatOnce();
        }
        finally
        {
            Volatile.Write(ref beating, 0);
        }
    }

    private void BeatOnce()
    {
        lock (gate)
        {
            if (disposed || failure is not null) return;
            try
            {
                lease = heartbeat(lease);
                lastSuccess = DateTime.UtcNow;
                return;
            }
            catch (Exception e)
            {
                if (StillOurs() is false || DateTime.UtcNow - lastSuccess > RunLease.StaleAfter)
                    failure = e as UserError ?? new UserError($"{subject(lease)} could not be kept for {holder(lease)}: {e.Message.TrimEnd('.')}; this process must stop working on it.", e);
            }
        }
        if (failure is not null) lost.Cancel();
    }

    /// <summary>Whether the store still names this holder (null: the store could not be read either).</summary>
    private bool? StillOurs()
    {
        try
        {
            return stillOurs(lease);
        }
        catch (Exception)
        {
            return null;
        }
    }

    public void Dispose()
    {
        lock (gate) disposed = true;
        using (var done = new ManualResetEvent(false))
            if (timer.Dispose(done)) done.WaitOne(); // wait for a heartbeat in flight
        lost.Dispose();
        GC.SuppressFinalize(this);
    }
}
