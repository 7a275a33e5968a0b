namespace MesaLab.Learning;

/// <summary>
/// A fixed team of threads for the fused passes: the calling thread and <c>threads − 1</c> long-lived helpers that sleep
/// between jobs. <see cref="Run"/> hands out numbered work items; whichever thread is free claims the next one, so a
/// helper the scheduler has not woken yet (other processes on the same cores) costs nothing but its share of the items.
/// Which thread ran an item must not change a result: callers give every item its own output slot and combine the slots
/// in item order.
/// </summary>
internal sealed class WorkerTeam : IDisposable
{
    /// <summary>One job's work: (thread index, item index). The thread index picks scratch memory, never an output.</summary>
    public delegate void Work(int thread, int item);

    private readonly Thread[] helpers;
    private readonly SemaphoreSlim wake = new(0);
    private Job? current;
    private volatile bool stopping;

    /// <summary>One call of <see cref="Run"/>: a fresh object each time, so a helper that wakes late and still holds an
    /// older job finds all of its items claimed and never runs an item of a newer job.</summary>
    private sealed class Job(Work work, int items)
    {
        public readonly Work Work = work;
        public readonly int Items = items;
        public int Next = -1;
        public int Completed;
        public Exception? Failure;
    }

    public WorkerTeam(int threads)
    {
        Threads = Math.Max(1, threads);
        helpers = new Thread[Threads - 1];
        for (int i = 0; i < helpers.Length; i++)
        {
            int index = i + 1;
            helpers[i] = new Thread(() => HelperLoop(index)) { IsBackground = true, Name = $"mesalab-fused-{index}" };
            helpers[i].Start();
        }
    }

    /// <summary>Threads that run items, the caller included.</summary>
    public int Threads { get; }

    /// <summary>Runs <paramref name="work"/> for items 0 … count − 1 and returns when all have finished.</summary>
    public void Run(int count, Work work)
    {
        if (count <= 0) return;
        if (helpers.Length == 0 || count == 1)
        {
            for (int i = 0; i < count; i++) work(0, i);
            return;
        }
        var job = new Job(work, count);
        Volatile.Write(ref current, job);
        wake.Release(helpers.Length);
        Claim(0, job);
        var spin = new SpinWait();
        while (Volatile.Read(ref job.Completed) < count) spin.SpinOnce(sleep1Threshold: -1);
        Volatile.Write(ref current, null);
        if (job.Failure is { } e) throw new AggregateException("a fused pass failed on a worker thread.", e);
    }

    private static void Claim(int thread, Job job)
    {
        int item;
        while ((item = Interlocked.Increment(ref job.Next)) < job.Items)
        {
            try { job.Work(thread, item); }
            catch (Exception e) { Interlocked.CompareExchange(ref job.Failure, e, null); }
            Interlocked.Increment(ref job.Completed);
        }
    }

    private void HelperLoop(int thread)
    {
        while (true)
        {
            wake.Wait();
            if (stopping) return;
            if (Volatile.Read(ref current) is { } job) Claim(thread, job);
        }
    }

    public void Dispose()
    {
        stopping = true;
        if (helpers.Length > 0) wake.Release(helpers.Length);
        foreach (var h in helpers) h.Join();
        wake.Dispose();
    }
}
