namespace MesaLab.Learning;

using System.ComponentModel.DataAnnotations;

/// <summary>How <see cref="TrainingThroughput"/> measures an experiment's training speed.</summary>
public sealed record TrainingThroughputSettings
{
    /// <summary>Updates run before timing starts (JIT, allocator and cache warm-up).</summary>
    [Range(0, 1000)]
    public int Warmup { get; init; } = 2;

    /// <summary>Timed updates per thread count; the medians are over these.</summary>
    [Range(1, 10_000)]
    public int Updates { get; init; } = 15;

    /// <summary>Torch (and fused-pass) thread counts to measure, in order.</summary>
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];

    /// <summary>
    /// Use libtorch's autograd for the forward pass and the update even where the fused C# passes apply (the reference
    /// implementation; for before/after comparisons on the same machine).
    /// </summary>
    public bool Reference { get; init; }

    /// <summary>Throws <see cref="UserError"/> naming the first bad setting, as the command line spells it.</summary>
    public void Validate()
    {
        Ranges.Check(this, name => "--" + name.ToLowerInvariant());
        if (Threads.Count == 0) throw new UserError("--threads names no thread count; give one or more integers from 1 to 64.");
        foreach (int t in Threads)
            if (t is < 1 or > 64) throw new UserError($"--threads has {t}, but each thread count must be an integer from 1 to 64.");
    }
}
