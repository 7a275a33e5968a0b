namespace MesaLab.Learning;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// What training optimizes (YAML section <c>signal:</c>). <c>kind: world</c> is the world's reward (plain PPO);
/// <c>approval</c> pays a scripted overseer's per-step approval (1 when the move is on its shortest path to the
/// intended goal); <c>reward_model</c> pays a reward learned from the overseer's noisy pairwise preferences over
/// trajectory segments of the agent's own rollouts, refitted in <c>rounds</c> during training; <c>amplification</c>
/// pays nothing and trains the policy by imitation of an amplified overseer that consults the current model
/// (<see cref="Amplifier"/>). Episodes still end as the world ends them. See docs/proposals.md.
/// </summary>
[ConfigSection("signal")]
public sealed record SignalSettings : ICheckedSettings
{
    public const string World = "world";
    public const string Approval = "approval";
    public const string RewardModel = "reward_model";
    public const string Amplification = "amplification";
    public static readonly IReadOnlyList<string> Kinds = [World, Approval, RewardModel, Amplification];

    /// <summary><c>world</c> (the world's reward), <c>approval</c> (the overseer's per-step approval), <c>reward_model</c> (a reward learned from the overseer's preferences) or <c>amplification</c> (imitation of an overseer amplified by copies of the current model; no reward).</summary>
    public string Kind { get; init; } = World;

    /// <summary>Reward model: rounds of feedback; round k asks its queries after the rollout of update ⌊k·updates/rounds⌋ (round 0 on the first, untrained rollout).</summary>
    [Range(1, 10_000)] public int Rounds { get; init; } = 4;

    /// <summary>Reward model: preference queries (pairs of segments compared by the overseer) per round.</summary>
    [Range(1, 10_000_000)] public int QueriesPerRound { get; init; } = 200;

    /// <summary>Reward model: steps per trajectory segment (consecutive steps of one instance in one rollout).</summary>
    [Range(1, 100_000)] public int SegmentLength { get; init; } = 8;

    /// <summary>Reward model: probability that the overseer's answer to a query is flipped.</summary>
    [Range(0.0, 0.5, MaximumIsExclusive = true)] public double NoiseRate { get; init; } = 0.1;

    /// <summary>Reward model: L2 penalty of the Bradley–Terry fit (keeps weights of features the data cannot tell apart equal).</summary>
    [Range(0.0, 1_000_000.0)] public double L2 { get; init; } = 0.01;

    /// <summary>Amplification: moves each consulted copy of the model may take on its walk toward the goal (the exit, or a chest to open) — the depth of the overseer's tree of model calls.</summary>
    [Range(1, 1_000)] public int AmplificationDepth { get; init; } = 6;

    /// <summary>Amplification: weight of the imitation cross-entropy (the only term that trains the policy; the reward is zero).</summary>
    [Range(0.0, 1_000.0, MinimumIsExclusive = true)] public double ImitationWeight { get; init; } = 1.0;

    public bool Enabled => Kind != World;

    public void Validate(string where)
    {
        foreach (var (field, problem) in Check()) throw new UserError($"{where}: signal.{field} {problem}.");
    }

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (!Kinds.Contains(Kind)) yield return ("kind", $"is '{Kind}', but it must be one of {string.Join(", ", Kinds)}");
        if (Rounds < 1) yield return ("rounds", $"is {Rounds}, but it must be at least 1");
        if (QueriesPerRound < 1) yield return ("queries_per_round", $"is {QueriesPerRound}, but it must be at least 1");
        if (SegmentLength < 1) yield return ("segment_length", $"is {SegmentLength}, but it must be at least 1");
        if (!(NoiseRate >= 0 && NoiseRate < 0.5)) yield return ("noise_rate", $"is {NoiseRate}, but it must be from 0 up to (not including) 0.5");
        if (!(L2 >= 0 && double.IsFinite(L2))) yield return ("l2", $"is {L2}, but it must be 0 or more");
        if (AmplificationDepth is < 1 or > 1_000) yield return ("amplification_depth", $"is {AmplificationDepth}, but it must be from 1 to 1000");
        if (!(ImitationWeight > 0 && ImitationWeight <= 1_000)) yield return ("imitation_weight", $"is {ImitationWeight}, but it must be more than 0 and at most 1000");
    }
}
