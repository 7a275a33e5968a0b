namespace MesaLab.Quantilizers;

using System.Globalization;
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
    public double CostWeight { get; init; } = 0.4;

    /// <summary>Fraction of the closed interior walls opened so detours around beds exist.</summary>
    public double Loops { get; init; } = 0.25;

    /// <summary>Fraction of the shortest path's layers covered by flower beds.</summary>
    public double MarkedFraction { get; init; } = 0.3;

    /// <summary>The q values of the curve, from 1 (no optimization) down.</summary>
    public IReadOnlyList<double> Q { get; init; } = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.0003, 0.0001];

    /// <summary>Base trajectories sampled per level (n·q ≥ 1 is required for every q).</summary>
    public int N { get; init; } = 40_000;

    /// <summary>Garden levels averaged over.</summary>
    public int Levels { get; init; } = 4;

    /// <summary>Bootstrap replicates for the sampling error.</summary>
    public int Bootstrap { get; init; } = 100;

    /// <summary>Base distributions: demonstrator, cloned (behaviour cloning of the demonstrator), random.</summary>
    public IReadOnlyList<string> Bases { get; init; } = ["demonstrator", "cloned", "random"];

    /// <summary>Environment steps of PPO training for the maximizer on the proxy; 0 = no PPO maximizer (only the exact limit).</summary>
    public long MaximizerSteps { get; init; } = 500_000;

    /// <summary>How the PPO maximizer is trained.</summary>
    public MaximizerSettings Maximizer { get; init; } = new();

    public DemonstratorSettings Demonstrator { get; init; } = new();
    public BehaviourCloningSettings Cloning { get; init; } = new();

    public static readonly string[] KnownBases = ["demonstrator", "cloned", "random"];

    /// <summary>Checks every field; throws a <see cref="UserError"/> naming the field and the allowed values.</summary>
    public void Validate(string where)
    {
        if (Q.Count == 0) throw new UserError($"{where}: quantilizer.q is empty; give at least one q in (0, 1].");
        foreach (var q in Q) TrajectoryQuantilizer.Check(q, N, $"{where}: quantilizer.q");
        if (N < 1) throw new UserError($"{where}: quantilizer.n is {N}, but it must be a positive number of base samples per level.");
        if (Levels < 1 || Levels > 1000) throw new UserError($"{where}: quantilizer.levels is {Levels}, but it must be from 1 to 1000.");
        if (Bootstrap < 0 || Bootstrap > 10_000) throw new UserError($"{where}: quantilizer.bootstrap is {Bootstrap}, but it must be from 0 to 10000.");
        if (TrueUtility != "proxy_minus_cost") throw new UserError($"{where}: quantilizer.true_utility is '{TrueUtility}', but the only true utility is proxy_minus_cost.");
        if (Cost != "marked") throw new UserError($"{where}: quantilizer.cost is '{Cost}', but the only cost is marked (flower beds entered).");
        if (!(CostWeight >= 0)) throw new UserError($"{where}: quantilizer.cost_weight is {Fmt(CostWeight)}, but it must be a number ≥ 0.");
        if (!(Loops >= 0 && Loops <= 1)) throw new UserError($"{where}: quantilizer.loops is {Fmt(Loops)}, but it must be a probability between 0 and 1.");
        if (!(MarkedFraction >= 0 && MarkedFraction <= 1)) throw new UserError($"{where}: quantilizer.marked_fraction is {Fmt(MarkedFraction)}, but it must be a fraction between 0 and 1.");
        if (Bases.Count == 0) throw new UserError($"{where}: quantilizer.bases is empty; use some of {string.Join(", ", KnownBases)}.");
        foreach (var b in Bases)
            if (!KnownBases.Contains(b)) throw new UserError($"{where}: quantilizer.bases names '{b}', but the bases are {string.Join(", ", KnownBases)}.");
        Demonstrator.Validate($"{where}: quantilizer.demonstrator");
        if (MaximizerSteps < 0 || MaximizerSteps > 1_000_000_000)
            throw new UserError($"{where}: quantilizer.maximizer_steps is {MaximizerSteps}, but it must be from 0 (no PPO maximizer, only the exact limit) to 1000000000 environment steps.");
        if (MaximizerSteps > 0) Maximizer.Validate(where);
    }

    private static string Fmt(double v) => v.ToString(CultureInfo.InvariantCulture);
}
