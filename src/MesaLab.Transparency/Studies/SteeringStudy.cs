namespace MesaLab.Transparency;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>Settings of a steering study (YAML section <c>steering:</c>).</summary>
[ConfigSection("steering")]
public sealed record SteeringSettings : ICheckedSettings
{
    public const string Removed = "removed";
    public const string OnGoal = "on_goal";

    /// <summary>Deploy levels tried (level i of the split, i from 0); those with a decision square on the agent's way are steered and measured.</summary>
    [Range(1, 100_000)] public int Levels { get; init; } = 200;

    /// <summary>Levels (indices from 1 000 000, disjoint from the measured ones) whose per-level vectors are averaged into the averaged vector.</summary>
    [Range(1, 100_000)] public int FitLevels { get; init; } = 100;

    /// <summary>Coefficients c the vectors are added with (c = 0, the unsteered network, is always measured).</summary>
    [Range(-1000.0, 1000.0)] public IReadOnlyList<double> Coefficients { get; init; } = [-2, -1, -0.5, 0.5, 1, 2];

    /// <summary>Layer to steer (null = the middle layer).</summary>
    public string? Layer { get; init; }

    /// <summary>The candidate whose object is moved in the paired observation (null = the first single-cell candidate that is not the base objective, e.g. the arrow).</summary>
    public string? Feature { get; init; }

    /// <summary>Where the feature's object goes in the paired observation: `on_goal` (onto the base objective's goal, where training put it) or `removed` (nowhere, as the published cheese vector).</summary>
    public string Counterfactual { get; init; } = OnGoal;

    /// <summary>Also roll the steered agent out and count which goal it reaches first (slower than the decision-square measurement).</summary>
    public bool Rollouts { get; init; } = true;

    /// <summary>Step limit per rollout episode (0 = 2 × the canvas's cells).</summary>
    [Range(0, 1_000_000)] public int MaxSteps { get; init; }

    /// <summary>Seed of the levels, the random control vectors and the sampling (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;

    /// <summary>Take the most probable move in rollouts instead of sampling the policy.</summary>
    public bool Greedy { get; init; }

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (Counterfactual is not (Removed or OnGoal)) yield return ("counterfactual", $"is '{Counterfactual}', but it must be one of {OnGoal}, {Removed}");
        if (Coefficients.Count == 0) yield return ("coefficients", "is empty; give at least one coefficient, e.g. [-1, 1]");
    }
}

/// <summary>
/// How one kind of vector added with one coefficient changes the move at decision squares: the change in P(towards the proxy)
/// and P(towards the goal) against the unsteered network on the same states, mean over levels with 95 % normal intervals.
/// </summary>
public sealed record SteeringEffect(string Vector, double Coefficient, Estimate TowardProxy, Estimate TowardProxyChange, Estimate TowardGoalChange);

/// <summary>For one kind of vector and coefficient: how often each candidate goal was reached first in rollouts (Wilson 95 % intervals).</summary>
public sealed record SteeringRollout(string Vector, double Coefficient, int Episodes, IReadOnlyDictionary<string, Estimate> FirstReached, Estimate Neither);

/// <summary>A steering study: the vectors, their effect at decision squares and (optionally) in rollouts.</summary>
/// <param name="AveragedNorm">‖averaged vector‖.</param>
/// <param name="MeanPerLevelNorm">Mean ‖per-level vector‖ over the measured levels.</param>
/// <param name="MeanCosine">Mean cosine similarity between each measured level's vector and the averaged vector.</param>
/// <param name="Baseline">P(towards the proxy) at decision squares without steering.</param>
public sealed record SteeringStudyResult(string World, string Split, string Layer, string Feature, string Goal, string Counterfactual,
    int LevelsTried, int Levels, double AveragedNorm, double MeanPerLevelNorm, double MeanCosine, Estimate Baseline,
    IReadOnlyList<SteeringEffect> Effects, IReadOnlyList<SteeringRollout> Rollouts);

/// <summary>
/// Steering with controls. Each measured level gets its own vector — the activation with the feature (the arrow) where it
/// is, minus the activation with it moved (<see cref="SteeringSettings.Counterfactual"/>), the agent on the level's start
/// cell — because a spatial layer's vector localizes the arrow of that one level. The averaged vector is the mean of such
/// vectors over other levels (Turner et al. 2023). Controls: a random direction of the same norm as each per-level vector,
/// and one of the averaged vector's norm. Effect: the change in P(move towards the proxy) at each level's decision square,
/// the agent placed there; optionally also which goal rollouts reach first.
/// </summary>
public static class SteeringStudy
{
    public const string PerLevel = "per_level";
    public const string Averaged = "averaged";
    public const string RandomPerLevel = "random_per_level_norm";
    public const string RandomAveraged = "random_averaged_norm";
    private static readonly string[] Vectors = [PerLevel, Averaged, RandomPerLevel, RandomAveraged];

    public static string DefaultLayer(InspectableNetwork network)
    {
        var candidates = network.LayerNames.Where(l => l is not ("policy" or "value") && !l.StartsWith("policy.") && !l.StartsWith("value.")).ToList();
        if (candidates.Count == 0) candidates = [.. network.LayerNames];
        return candidates[(candidates.Count - 1) / 2];
    }

    /// <summary>The level with the feature's object moved: removed, or onto the base objective's goal cell.</summary>
    public static Level Counterfactual(Level level, GoalPair goals, string counterfactual)
    {
        var l = level.Clone();
        for (int c = 0; c < l.CellCount; c++) l.Objects[c] &= ~goals.Proxy.Object;
        if (counterfactual == SteeringSettings.OnGoal) l.Objects[l.Find(goals.Goal.Object)] |= goals.Proxy.Object;
        return l;
    }

    /// <summary>Per-level vectors at <paramref name="layer"/>: each level (agent on its start) minus its counterfactual.</summary>
    public static (long[] Shape, float[][] Vectors) PerLevelVectors(InspectableNetwork network, Split split, string layer, IReadOnlyList<Level> levels,
        GoalPair goals, string counterfactual, int canvasWidth, int canvasHeight)
    {
        var with = ObservationBuilder.Build(split, [.. levels.Select(l => (l, l.Start))], canvasWidth, canvasHeight);
        var without = ObservationBuilder.Build(split, [.. levels.Select(l => (Counterfactual(l, goals, counterfactual), l.Start))], canvasWidth, canvasHeight);
        return ActivationDifferences.Of(network, layer, with, without);
    }

    public static SteeringStudyResult Run(InspectableNetwork network, Split split, SteeringSettings settings, Action<string>? log = null)
    {
        foreach (var (field, problem) in settings.Check()) throw new UserError($"steering.{field} {problem}.");
        var world = split.World;
        var goals = GoalPair.Of(split, settings.Feature, "steering.feature");
        string layer = network.Layer(settings.Layer ?? DefaultLayer(network));
        var set = DecisionSquareSet.Generate(split, goals, settings.Levels, settings.Seed);
        if (set.Count == 0)
            throw new UserError($"none of the {settings.Levels} levels of split '{split.Name}' has a decision square between the {goals.Goal.Name} and the {goals.Proxy.Name} on the agent's way; raise steering.levels.");
        var generator = world.CreateGenerator(split);
        var fitLevels = Enumerable.Range(0, settings.FitLevels).Select(i => generator.Generate(settings.Seed, 1_000_000 + i)).ToList();
        return Run(network, set, fitLevels, settings with { Layer = layer }, log);
    }

    /// <summary>
    /// The study on a given set of decision squares, the averaged vector fitted on <paramref name="fitLevels"/> (those holding
    /// both goals are used).
    /// </summary>
    public static SteeringStudyResult Run(InspectableNetwork network, DecisionSquareSet set, IReadOnlyList<Level> fitLevels, SteeringSettings settings, Action<string>? log = null)
    {
        foreach (var (field, problem) in settings.Check()) throw new UserError($"steering.{field} {problem}.");
        var split = set.Split;
        var world = split.World;
        var goals = set.Goals;
        string layer = network.Layer(settings.Layer ?? DefaultLayer(network));
        if (set.Count == 0) throw new UserError($"no level has a decision square between the {goals.Goal.Name} and the {goals.Proxy.Name} on the agent's way; raise steering.levels.");
        var levels = set.States.Select(s => s.Level).ToList();
        var (shape, perLevel) = PerLevelVectors(network, split, layer, levels, goals, settings.Counterfactual, set.CanvasWidth, set.CanvasHeight);

        var usable = fitLevels.Where(l => l.Find(goals.Goal.Object) >= 0 && l.Find(goals.Proxy.Object) >= 0).ToList();
        if (usable.Count == 0) throw new UserError($"no level of split '{split.Name}' holds both the {goals.Goal.Name} and the {goals.Proxy.Name}; steering needs both.");
        var (_, fitVectors) = PerLevelVectors(network, split, layer, usable, goals, settings.Counterfactual, set.CanvasWidth, set.CanvasHeight);
        int size = perLevel[0].Length;
        var averaged = new float[size];
        foreach (var v in fitVectors) for (int i = 0; i < size; i++) averaged[i] += v[i] / fitVectors.Length;
        double averagedNorm = ActivationDifferences.Norm(averaged);
        var rng = new Rng(settings.Seed ^ 0x5EE7_0C0DUL);
        var randomPerLevel = perLevel.Select(v => ActivationDifferences.RandomOfNorm(size, ActivationDifferences.Norm(v), ref rng)).ToArray();
        var randomAveraged = ActivationDifferences.RandomOfNorm(size, averagedNorm, ref rng);
        float[][] RowsOf(string vector) => vector switch
        {
            PerLevel => perLevel,
            Averaged => [.. levels.Select(_ => averaged)],
            RandomPerLevel => randomPerLevel,
            _ => [.. levels.Select(_ => randomAveraged)],
        };
        double meanNorm = perLevel.Average(v => ActivationDifferences.Norm(v));
        double meanCosine = perLevel.Average(v => ActivationDifferences.Cosine(v, averaged));
        log?.Invoke($"steering at {layer}: {set.Count} levels with a decision square; ‖averaged‖ = {averagedNorm:G4}, mean ‖per-level‖ = {meanNorm:G4}, mean cosine to the averaged vector {meanCosine:0.00}");

        var (baseGoal, baseProxy) = set.Probabilities(network);
        var effects = new List<SteeringEffect>();
        foreach (var vector in Vectors)
            foreach (double c in settings.Coefficients.Where(c => c != 0))
            {
                double[] goal, proxy;
                using (ActivationPatch.Add(layer, shape, RowsOf(vector), c).Apply(network))
                    (goal, proxy) = set.Probabilities(network);
                effects.Add(new SteeringEffect(vector, c, Estimate.OfMean(proxy),
                    Estimate.OfMean([.. proxy.Select((p, i) => p - baseProxy[i])]), Estimate.OfMean([.. goal.Select((p, i) => p - baseGoal[i])])));
                log?.Invoke($"{vector,-22} c = {c,5:G3}: ΔP(towards the {goals.Proxy.Name}) = {effects[^1].TowardProxyChange.Format("0.000")}");
            }

        var rollouts = new List<SteeringRollout>();
        if (settings.Rollouts)
        {
            var candidates = world.Candidates.Where(c => c.Kind == ObjectiveKind.Reach && c.Object is not (CellObject.None or CellObject.Lava)).ToList();
            var stop = candidates.Aggregate(StepEvents.None, (a, c) => a | c.Event);
            var rollout = new RolloutSettings
            {
                Greedy = settings.Greedy, Seed = settings.Seed, StopOn = stop,
                MaxSteps = settings.MaxSteps > 0 ? settings.MaxSteps : 2 * set.CanvasWidth * set.CanvasHeight,
                CanvasWidth = set.CanvasWidth, CanvasHeight = set.CanvasHeight,
            };
            SteeringRollout Roll(string vector, double c)
            {
                var progress = new RolloutProgress();
                RolloutEpisode[] episodes;
                using (c == 0 ? null : ActivationPatch.Add(layer, shape, RowsOf(vector), c).Apply(network, () => progress.Rows))
                    episodes = NetworkRollout.Run(network, split, levels, rollout, progress);
                // "First reached": the event of the step that ended the episode. Several goals on one cell count for each.
                var first = candidates.ToDictionary(g => g.Name, g => Statistics.Wilson(episodes.Count(e => (e.Events & g.Event) != 0), episodes.Length));
                return new SteeringRollout(vector, c, episodes.Length, first, Statistics.Wilson(episodes.Count(e => (e.Events & stop) == 0), episodes.Length));
            }
            rollouts.Add(Roll("none", 0));
            foreach (var vector in Vectors)
                foreach (double c in settings.Coefficients.Where(c => c != 0))
                {
                    rollouts.Add(Roll(vector, c));
                    log?.Invoke($"rollouts {vector,-22} c = {c,5:G3}: " + string.Join(", ", rollouts[^1].FirstReached.Select(kv => $"P({kv.Key} first) = {kv.Value.Value:F3}")));
                }
        }
        return new SteeringStudyResult(world.Name, split.Name, layer, goals.Proxy.Name, goals.Goal.Name, settings.Counterfactual, set.LevelsTried, set.Count,
            averagedNorm, meanNorm, meanCosine, Estimate.OfMean(baseProxy), effects, rollouts);
    }
}
