namespace MesaLab.Transparency;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>Settings of a steering study (YAML section <c>steering:</c>).</summary>
[ConfigSection("steering")]
public sealed record SteeringSettings
{
    /// <summary>Deploy levels rolled out per coefficient.</summary>
    [Range(1, 100_000)] public int Levels { get; init; } = 200;

    /// <summary>Levels (other indices) whose paired observations define the vector.</summary>
    [Range(1, 100_000)] public int FitLevels { get; init; } = 100;

    /// <summary>Coefficients c the vector is added with.</summary>
    [Range(-1000.0, 1000.0)] public IReadOnlyList<double> Coefficients { get; init; } = [-2, -1, -0.5, 0, 0.5, 1, 2];

    /// <summary>Layer to steer (null = the middle layer).</summary>
    public string? Layer { get; init; }

    /// <summary>Candidate whose object is present in one observation of each pair and removed in the other (null = the first candidate that is not the base objective, e.g. the arrow).</summary>
    public string? Feature { get; init; }

    /// <summary>Step limit per episode (0 = 2 × the level's cells).</summary>
    [Range(0, 1_000_000)] public int MaxSteps { get; init; }

    /// <summary>Seed of the levels and the sampling (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;

    /// <summary>Take the most probable move instead of sampling the policy.</summary>
    public bool Greedy { get; init; }
}

/// <summary>For one coefficient: how often each candidate goal was the first one reached, with Wilson 95 % intervals.</summary>
public sealed record SteeringPoint(double Coefficient, int Episodes, IReadOnlyDictionary<string, Estimate> FirstReached, Estimate Neither);

public sealed record SteeringStudyResult(string World, string Split, string Layer, string Feature, double VectorNorm, int Levels, IReadOnlyList<SteeringPoint> Points);

/// <summary>
/// Steering study: a vector from the mean activation difference between observations with the feature object present
/// and removed (same levels, same agent cells), added with coefficient c at one layer while the agent runs on deploy
/// levels; measures which candidate goal the agent reaches first, per c.
/// </summary>
public static class SteeringStudy
{
    public static string DefaultLayer(InspectableNetwork network)
    {
        var candidates = network.LayerNames.Where(l => l is not ("policy" or "value") && !l.StartsWith("policy.") && !l.StartsWith("value.")).ToList();
        if (candidates.Count == 0) candidates = [.. network.LayerNames];
        return candidates[(candidates.Count - 1) / 2];
    }

    public static SteeringVector FitVector(InspectableNetwork network, Split split, string layer, CandidateObjective feature, int fitLevels, ulong seed)
    {
        var states = ProbeStates.Generate(split, fitLevels, 2, seed ^ 0x57EE7UL, firstLevelIndex: 1_000_000);
        var without = states.States.Select(s =>
        {
            var l = s.Level.Clone();
            for (int c = 0; c < l.CellCount; c++) l.Objects[c] &= ~feature.Object;
            return (l, s.AgentCell);
        }).ToList();
        var with = ObservationBuilder.Build(split, [.. states.States.Select(s => (s.Level, s.AgentCell))], states.CanvasWidth, states.CanvasHeight);
        var wo = ObservationBuilder.Build(split, without, states.CanvasWidth, states.CanvasHeight);
        return SteeringVector.FromPairs(network, layer, with, wo);
    }

    public static SteeringStudyResult Run(InspectableNetwork network, Split split, SteeringSettings settings, Action<string>? log = null)
    {
        var world = split.World;
        var baseObjective = world.BaseObjective(split);
        var feature = settings.Feature is { } f ? world.RequireCandidate(f, "--feature")
            : world.Candidates.FirstOrDefault(c => c.Name != baseObjective.Name && c.Kind == ObjectiveKind.Reach && c.Object != CellObject.None)
              ?? throw new UserError($"world '{world.Name}' has no second single-cell candidate objective to steer between; pass --feature.");
        if (feature.Object == CellObject.None) throw new UserError($"--feature: candidate '{feature.Name}' has no object to remove; choose one of {string.Join(", ", world.Candidates.Where(c => c.Object != CellObject.None).Select(c => c.Name))}.");
        string layer = network.Layer(settings.Layer ?? DefaultLayer(network));
        if (settings.Levels < 1) throw new UserError("--levels must be at least 1.");
        var vector = FitVector(network, split, layer, feature, settings.FitLevels, settings.Seed);
        log?.Invoke($"steering vector at {layer}: ‖v‖ = {vector.Norm:G4} ({feature.Name} present − removed)");

        var generator = world.CreateGenerator(split);
        var levels = Enumerable.Range(0, settings.Levels).Select(i => generator.Generate(settings.Seed, i)).ToList();
        var goals = world.Candidates.Where(c => c.Kind == ObjectiveKind.Reach && c.Object != CellObject.None).ToList();
        var stop = goals.Aggregate(StepEvents.None, (a, c) => a | c.Event);
        var points = new List<SteeringPoint>();
        foreach (double c in settings.Coefficients)
        {
            RolloutEpisode[] episodes;
            int maxSteps = settings.MaxSteps > 0 ? settings.MaxSteps : 2 * generator.MaxWidth * generator.MaxHeight;
            using (vector.Apply(network, c))
                episodes = NetworkRollout.Run(network, split, levels, new RolloutSettings
                {
                    Greedy = settings.Greedy, Seed = settings.Seed, StopOn = stop, MaxSteps = maxSteps,
                    CanvasWidth = generator.MaxWidth, CanvasHeight = generator.MaxHeight,
                });
            // "First reached": the event of the step that ended the episode. Several goals on one cell count for each.
            var first = goals.ToDictionary(g => g.Name, g => Statistics.Wilson(episodes.Count(e => (e.Events & g.Event) != 0), episodes.Length));
            var neither = Statistics.Wilson(episodes.Count(e => (e.Events & stop) == 0), episodes.Length);
            points.Add(new SteeringPoint(c, episodes.Length, first, neither));
            log?.Invoke($"c = {c,5:G3}: " + string.Join(", ", first.Select(kv => $"P({kv.Key} first) = {kv.Value.Value:F3}")));
        }
        return new SteeringStudyResult(world.Name, split.Name, layer, feature.Name, vector.Norm, levels.Count, points);
    }
}
