namespace MesaLab.Transparency;

using System.ComponentModel.DataAnnotations;

/// <summary>How linear probes are fitted and evaluated (YAML section <c>probe:</c>).</summary>
[ConfigSection("probe")]
public sealed record ProbeSettings
{
    /// <summary>Fraction of samples held out for evaluation (the split is a seeded permutation).</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true)] public double TestFraction { get; init; } = 0.25;

    /// <summary>
    /// Layers wider than this are reduced to their top principal components (of the standardized training rows)
    /// before fitting, which keeps probes cheap on a CPU. When the training set has no more rows than this the
    /// reduction loses nothing an L2-regularized linear probe could use (its solution lies in the span of the rows).
    /// </summary>
    [Range(1, 100_000)] public int MaxFeatures { get; init; } = 384;

    /// <summary>Full-batch Adam iterations of the logistic probe.</summary>
    [Range(1, 100_000)] public int Iterations { get; init; } = 150;

    /// <summary>Adam learning rate of the logistic probe (features are standardized).</summary>
    [Range(0.0, 10.0, MinimumIsExclusive = true)] public double LearningRate { get; init; } = 0.05;

    /// <summary>L2 penalty of the logistic probe's weights (per sample).</summary>
    [Range(0.0, 1000.0)] public double WeightDecay { get; init; } = 1e-3;

    /// <summary>Ridge penalty λ (multiplied by the number of training samples).</summary>
    [Range(0.0, 1e6)] public double RidgeLambda { get; init; } = 1e-2;

    /// <summary>Seed of the train/test split, the projection and the shuffled-label control (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;
}
