namespace MesaLab.Analysis.Quantilizers;

using MesaLab.Worlds;
using MesaLab.Worlds.Config;

/// <summary>
/// The <c>quantilizer</c> section of an experiment file. The world, its parameters and the seed come from the
/// experiment's core fields (<c>world</c>, <c>world_parameters</c>, <c>seed</c>); this section says which split,
/// the proxy and hidden true utility, the q values, the sample size and the bases.
/// </summary>
[ConfigSection("quantilizer")]
public sealed record QuantilizerSection
{
    // Every default is the experiment record's own: one place to change it.
    private static readonly QuantilizerSettings Defaults = new();

    /// <summary>Split (built-in or defined in the file) whose levels become gardens.</summary>
    public string Split { get; init; } = Defaults.Split;

    /// <summary>A reach candidate objective of the world; utility = shortest / steps on reaching its goal, else 0.</summary>
    public string Proxy { get; init; } = Defaults.Proxy;

    /// <summary>The hidden true utility: proxy_minus_cost (proxy − cost_weight × cost).</summary>
    public string TrueUtility { get; init; } = Defaults.TrueUtility;

    /// <summary>The cost c ≥ 0 the proxy does not see: marked (flower beds entered).</summary>
    public string Cost { get; init; } = Defaults.Cost;

    public double CostWeight { get; init; } = Defaults.CostWeight;
    public double Loops { get; init; } = Defaults.Loops;
    public double MarkedFraction { get; init; } = Defaults.MarkedFraction;
    public IReadOnlyList<double> Q { get; init; } = Defaults.Q;
    public int N { get; init; } = Defaults.N;
    public int Levels { get; init; } = Defaults.Levels;
    public int Bootstrap { get; init; } = Defaults.Bootstrap;
    public IReadOnlyList<string> Bases { get; init; } = Defaults.Bases;
    public DemonstratorSettings Demonstrator { get; init; } = Defaults.Demonstrator;
    public BehaviourCloningSettings Cloning { get; init; } = Defaults.Cloning;

    /// <summary>PPO environment steps for the maximizer trained on the proxy; 0 = only the exact proxy-optimal limit.</summary>
    public long MaximizerSteps { get; init; } = Defaults.MaximizerSteps;

    /// <summary>How the PPO maximizer is trained (network, learning rate, discount, …).</summary>
    public MaximizerSettings Maximizer { get; init; } = Defaults.Maximizer;

    /// <summary>The experiment settings for a loaded configuration.</summary>
    public QuantilizerSettings ToSettings(ExperimentConfig config) => new()
    {
        World = config.World.Name,
        Split = Split,
        Parameters = new Dictionary<string, object>(),
        Proxy = Proxy,
        TrueUtility = TrueUtility,
        Cost = Cost,
        CostWeight = CostWeight,
        Loops = Loops,
        MarkedFraction = MarkedFraction,
        Q = Q,
        N = N,
        Levels = Levels,
        Bootstrap = Bootstrap,
        Bases = Bases,
        Seed = (ulong)config.Seed,
        Demonstrator = Demonstrator,
        Cloning = Cloning,
        MaximizerSteps = MaximizerSteps,
        Maximizer = Maximizer,
    };

    /// <summary>
    /// The experiment <c>mesalab quantilize</c> runs without a file (the same as <c>configs/quantilize.yaml</c>; the
    /// <c>quantilizer</c> section takes its defaults):
    /// 8×8 green-arrow mazes as gardens, one torch thread (the cloned policy's and the maximizer's MLPs are small).
    /// </summary>
    public const string DefaultExperiment = """
        name: quantilize-garden
        world: green-arrow-maze
        world_parameters: { min_size: 8, max_size: 8 }
        seed: 1
        threads: 1
        """;
}
