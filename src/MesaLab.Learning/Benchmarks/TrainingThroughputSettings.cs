namespace MesaLab.Learning.Benchmarks;

/// <summary>How <see cref="TrainingThroughput"/> measures an experiment's training speed.</summary>
public sealed record TrainingThroughputSettings
{
    /// <summary>Updates run before timing starts (JIT, allocator and cache warm-up).</summary>
    public int WarmupUpdates { get; init; } = 2;

    /// <summary>Timed updates per thread count; the medians are over these.</summary>
    public int Updates { get; init; } = 15;

    /// <summary>Torch (and fused-kernel) thread counts to measure, in order.</summary>
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];

    /// <summary>
    /// Force libtorch's autograd update and forward pass even where the fused C# path applies (the reference
    /// implementation; for before/after comparisons on the same machine).
    /// </summary>
    public bool Reference { get; init; }

    /// <summary>Throws <see cref="UserError"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (WarmupUpdates is < 0 or > 1000) throw new UserError($"--warmup is {WarmupUpdates}, but it must be an integer from 0 to 1000.");
        if (Updates is < 1 or > 10_000) throw new UserError($"--updates is {Updates}, but it must be an integer from 1 to 10000.");
        if (Threads.Count == 0) throw new UserError("--threads names no thread count; give one or more integers from 1 to 64.");
        foreach (int t in Threads)
            if (t is < 1 or > 64) throw new UserError($"--threads has {t}, but each thread count must be an integer from 1 to 64.");
    }
}
