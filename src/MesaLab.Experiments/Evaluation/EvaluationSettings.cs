namespace MesaLab.Experiments;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// How agents are deployed for evaluation (YAML section <c>evaluation:</c>): by <c>evaluate</c>, <c>report</c>,
/// <c>demo</c>, <c>sweep</c>, the transparency studies and the transparency comparison. The seed is the level
/// stream and the sampling seed of every evaluation; the experiment's own <c>seed</c> is the training seed.
/// </summary>
[ConfigSection("evaluation")]
public sealed record EvaluationSettings
{
    /// <summary>Episodes per evaluated split (episode i plays level i of the split).</summary>
    [Range(1, 1_000_000)]
    public int Episodes { get; init; } = 200;

    /// <summary>Seed of the evaluation levels and of the agent's sampling: the same seed deploys on the same levels.</summary>
    public ulong Seed { get; init; } = 20_000;

    /// <summary>Episodes stepped together (one policy call per step for all of them).</summary>
    [Range(1, 4096)]
    public int Batch { get; init; } = 64;

    /// <summary>Also fit a linear reward over the candidates by maximum-causal-entropy IRL.</summary>
    public bool RewardWeights { get; init; }

    /// <summary>Let the mixture of goals include "any cell": episodes that pursue one cell of the level no candidate names (slower).</summary>
    public bool AnyCellGoals { get; init; }

    /// <summary>The behavioral-objective inference these settings ask for.</summary>
    public MesaLab.Analysis.InferenceSettings Inference() => new() { AnyCellGoals = AnyCellGoals };
}
