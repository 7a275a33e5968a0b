namespace MesaLab.Quantilizers;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>
/// One quantilizer experiment (YAML section <c>quantilizer:</c>): the split whose levels become gardens, the proxy
/// and the hidden true utility, the q values, the sample size and the bases. The world, its parameters and the seed
/// are the experiment's core fields (<c>world</c>, <c>world_parameters</c>, <c>seed</c>).
/// </summary>
[ConfigSection("quantilizer")]
public sealed record QuantilizerSettings
{
    /// <summary>Split (built-in or defined in the experiment) whose levels become gardens.</summary>
    public string Split { get; init; } = "train";

    /// <summary>The proxy: a reach candidate objective of the world; utility = shortest / steps on reaching its goal, else 0.</summary>
    public string Proxy { get; init; } = "exit";

    /// <summary>The hidden true utility; only <c>proxy_minus_cost</c> (proxy − cost_weight × cost) is defined.</summary>
    public string TrueUtility { get; init; } = "proxy_minus_cost";

    /// <summary>The cost c ≥ 0 the proxy does not see; only <c>marked</c> (flower beds entered) is defined.</summary>
    public string Cost { get; init; } = "marked";

    /// <summary>Weight of the cost in the true utility.</summary>
    [Range(0.0, 1000.0)] public double CostWeight { get; init; } = 0.4;

    /// <summary>Fraction of the closed interior walls opened so detours around beds exist.</summary>
    [Range(0.0, 1.0)] public double Loops { get; init; } = 0.25;

    /// <summary>Fraction of the shortest path's layers covered by flower beds.</summary>
    [Range(0.0, 1.0)] public double MarkedFraction { get; init; } = 0.3;

    /// <summary>The q values of the curve, from 1 (no optimization) down.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)] public IReadOnlyList<double> Q { get; init; } = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.0003, 0.0001];

    /// <summary>Base trajectories sampled per level (n·q ≥ 1 is required for every q).</summary>
    [Range(1, 10_000_000)] public int N { get; init; } = 40_000;

    /// <summary>Garden levels averaged over.</summary>
    [Range(1, 1000)] public int Levels { get; init; } = 4;

    /// <summary>Bootstrap replicates for the sampling error.</summary>
    [Range(0, 10_000)] public int Bootstrap { get; init; } = 100;

    /// <summary>Base distributions: demonstrator, cloned (behaviour cloning of the demonstrator), random.</summary>
    public IReadOnlyList<string> Bases { get; init; } = ["demonstrator", "cloned", "random"];

    /// <summary>Environment steps of PPO training for the maximizer on the proxy; 0 = no PPO maximizer (only the exact limit).</summary>
    [Range(0L, 1_000_000_000L)] public long MaximizerSteps { get; init; } = 500_000;

    /// <summary>How the PPO maximizer is trained.</summary>
    public MaximizerSettings Maximizer { get; init; } = new();

    public DemonstratorSettings Demonstrator { get; init; } = new();
    public BehaviourCloningSettings Cloning { get; init; } = new();

    public static readonly string[] KnownBases = ["demonstrator", "cloned", "random"];

    /// <summary>Checks every field; throws a <see cref="UserError"/> naming the field and the allowed values.</summary>
    public void Validate(string where)
    {
        foreach (var (field, problem) in Ranges.Problems(this)) throw new UserError($"{where}: quantilizer.{field} {problem}.");
        if (Q.Count == 0) throw new UserError($"{where}: quantilizer.q is empty; give at least one q in (0, 1].");
        foreach (var q in Q) TrajectoryQuantilizer.Check(q, N, $"{where}: quantilizer.q");
        if (TrueUtility != "proxy_minus_cost") throw new UserError($"{where}: quantilizer.true_utility is '{TrueUtility}', but the only true utility is proxy_minus_cost.");
        if (Cost != "marked") throw new UserError($"{where}: quantilizer.cost is '{Cost}', but the only cost is marked (flower beds entered).");
        if (Bases.Count == 0) throw new UserError($"{where}: quantilizer.bases is empty; use some of {string.Join(", ", KnownBases)}.");
        foreach (var b in Bases)
            if (!KnownBases.Contains(b)) throw new UserError($"{where}: quantilizer.bases names '{b}', but the bases are {string.Join(", ", KnownBases)}.");
        Demonstrator.Validate($"{where}: quantilizer.demonstrator");
        if (MaximizerSteps > 0) Maximizer.Validate(where);
    }
}
