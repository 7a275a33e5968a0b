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
    /// <summary>Split (built-in or defined in the file) whose levels become gardens.</summary>
    public string Split { get; init; } = "train";

    /// <summary>A reach candidate objective of the world; utility = shortest / steps on reaching its goal, else 0.</summary>
    public string Proxy { get; init; } = "exit";

    /// <summary>The hidden true utility: proxy_minus_cost (proxy − cost_weight × cost).</summary>
    public string TrueUtility { get; init; } = "proxy_minus_cost";

    /// <summary>The cost c ≥ 0 the proxy does not see: marked (flower beds entered).</summary>
    public string Cost { get; init; } = "marked";

    public double CostWeight { get; init; } = 0.4;
    public double Loops { get; init; } = 0.25;
    public double MarkedFraction { get; init; } = 0.3;
    public IReadOnlyList<double> Q { get; init; } = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.0003, 0.0001];
    public int N { get; init; } = 40_000;
    public int Levels { get; init; } = 4;
    public int Bootstrap { get; init; } = 100;
    public IReadOnlyList<string> Bases { get; init; } = ["demonstrator", "cloned", "random"];
    public DemonstratorSettings Demonstrator { get; init; } = new();
    public BehaviourCloningSettings Cloning { get; init; } = new();

    /// <summary>PPO environment steps for the maximizer trained on the proxy; 0 = only the exact proxy-optimal limit.</summary>
    public long MaximizerSteps { get; init; } = 500_000;

    /// <summary>How the PPO maximizer is trained (network, learning rate, discount, …).</summary>
    public MaximizerSettings Maximizer { get; init; } = new();

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
    /// The experiment <c>mesalab quantilize</c> runs without a file (the same as <c>configs/quantilize.yaml</c>):
    /// 8×8 green-arrow mazes as gardens, one torch thread (the cloned policy's and the maximizer's MLPs are small).
    /// </summary>
    public const string DefaultExperiment = """
        name: quantilize-garden
        world: green-arrow-maze
        world_parameters: { min_size: 8, max_size: 8 }
        seed: 1
        threads: 1
        quantilizer:
          split: train
          proxy: exit
          true_utility: proxy_minus_cost
          cost: marked
          cost_weight: 0.4
          loops: 0.25
          marked_fraction: 0.3
          q: [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.0003, 0.0001]
          n: 40000
          levels: 4
          bootstrap: 100
          bases: [demonstrator, cloned, random]
          maximizer_steps: 500000
        """;
}
