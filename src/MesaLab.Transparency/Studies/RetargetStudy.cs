namespace MesaLab.Transparency;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>Settings of a retargeting study (YAML section <c>retargeting:</c>).</summary>
[ConfigSection("retargeting")]
public sealed record RetargetSettings
{
    /// <summary>Levels rolled out, each with one random target cell.</summary>
    [Range(1, 100_000)] public int Levels { get; init; } = 100;

    /// <summary>Levels used to fit the goal-location edit (agent on random cells, several states each).</summary>
    [Range(1, 100_000)] public int FitLevels { get; init; } = 150;

    /// <summary>Layer to edit (null = where the goal position is decoded best, else the middle layer).</summary>
    public string? Layer { get; init; }

    /// <summary>Scale α of the edit.</summary>
    [Range(-1000.0, 1000.0)] public double Strength { get; init; } = 1.0;

    /// <summary>The candidate whose location the network is assumed to encode (null = the base objective).</summary>
    public string? Goal { get; init; }

    /// <summary>Seed of the levels, targets and sampling (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;

    /// <summary>Take the most probable move instead of sampling the policy.</summary>
    public bool Greedy { get; init; }
}

/// <summary>Success of retargeted (and unedited) episodes for targets at a range of shortest-path distances.</summary>
public sealed record RetargetBin(int MinDistance, int MaxDistance, int Levels, Estimate Retargeted, Estimate Unedited);

/// <summary>
/// Retargeting result: success by distance, and for one example level the probability of the shortest path to each
/// cell (geometric mean of move probabilities along it) with the edit aimed at that cell and without it.
/// </summary>
public sealed record RetargetStudyResult(string World, string Split, string Layer, string Goal, double Strength, int Levels,
    Estimate Overall, Estimate OverallUnedited, IReadOnlyList<RetargetBin> ByDistance,
    int ExampleWidth, int ExampleHeight, int ExampleStart, int ExampleGoal, double[] ExampleHeatmap, double[] ExampleHeatmapUnedited);

/// <summary>Retargeting on real agents: fits a <see cref="GoalLocationEdit"/> on levels where the goal is one cell, then aims it at random cells.</summary>
public static class RetargetStudy
{
    public static RetargetStudyResult Run(InspectableNetwork network, Split deploySplit, RetargetSettings settings, ProbeStudyResult? probes = null, Action<string>? log = null)
    {
        var world = deploySplit.World;
        var goal = settings.Goal is { } g ? world.RequireCandidate(g, "--goal") : world.BaseObjective(deploySplit);
        if (goal.Object == CellObject.None || goal.Kind != ObjectiveKind.Reach)
            throw new UserError($"--goal: candidate '{goal.Name}' is not a single goal cell; choose one of {string.Join(", ", world.Candidates.Where(c => c.Kind == ObjectiveKind.Reach && c.Object != CellObject.None).Select(c => c.Name))}.");
        // Levels where the arrow sits on the exit (if the world has that switch), so the network sees one goal to move.
        var split = world.Parameter("arrow") is not null
            ? deploySplit.With(new Dictionary<string, object> { ["arrow"] = "on_exit", ["randomized_fraction"] = 0.0 }, "retargeting", deploySplit.Name + "+arrow-on-exit")
            : deploySplit;
        string layer = network.Layer(settings.Layer
            ?? (probes is not null && probes.Rows.Any(r => r.Target == $"{goal.Name}_position") ? probes.BestLayer($"{goal.Name}_position") : SteeringStudy.DefaultLayer(network)));
        var fit = ProbeStates.Generate(split, settings.FitLevels, 3, settings.Seed ^ 0x7A26E7UL, firstLevelIndex: 2_000_000);
        var gx = new int[fit.Count];
        var gy = new int[fit.Count];
        for (int i = 0; i < fit.Count; i++)
            (gx[i], gy[i]) = ObservationBuilder.CanvasPosition(fit.States[i].Level, fit.States[i].Level.Find(goal.Object), fit.CanvasWidth, fit.CanvasHeight);
        var edit = GoalLocationEdit.Fit(network, layer, fit.Observations(), gx, gy);
        log?.Invoke($"goal-location edit fitted at {layer} on {fit.Count} states");

        var generator = world.CreateGenerator(split);
        var rng = new Rng(settings.Seed ^ 0x7A26E7_2UL);
        var levels = new List<Level>();
        var targets = new List<int>();
        for (long i = 0; levels.Count < settings.Levels; i++)
        {
            var l = generator.Generate(settings.Seed, i);
            int goalCell = l.Find(goal.Object);
            int t = rng.Next(l.CellCount);
            if (t == l.Start || t == goalCell) continue;
            var (tx, ty) = ObservationBuilder.CanvasPosition(l, t, edit.CanvasWidth, edit.CanvasHeight);
            var (sx, sy) = ObservationBuilder.CanvasPosition(l, goalCell, edit.CanvasWidth, edit.CanvasHeight);
            if (!edit.Covers(tx, ty) || !edit.Covers(sx, sy)) continue;
            levels.Add(l);
            targets.Add(t);
        }
        var rollout = new RolloutSettings { Greedy = settings.Greedy, Seed = settings.Seed, TargetCells = targets };
        var edited = Retargeting.Run(network, split, levels, targets, edit, l => l.Find(goal.Object), settings.Strength, rollout);
        var plain = Retargeting.Run(network, split, levels, targets, edit, l => l.Find(goal.Object), 0.0, rollout);
        log?.Invoke($"retargeted success {edited.Average(o => o.Reached ? 1.0 : 0.0):F3}, unedited {plain.Average(o => o.Reached ? 1.0 : 0.0):F3}");

        int[][] bins = [[1, 3], [4, 7], [8, 15], [16, int.MaxValue]];
        var byDistance = bins.Select(b =>
        {
            var idx = Enumerable.Range(0, edited.Length).Where(i => edited[i].Distance >= b[0] && edited[i].Distance <= b[1]).ToList();
            return new RetargetBin(b[0], b[1], idx.Count, Statistics.Wilson(idx.Count(i => edited[i].Reached), idx.Count), Statistics.Wilson(idx.Count(i => plain[i].Reached), idx.Count));
        }).Where(b => b.Levels > 0).ToList();

        var example = levels[0];
        var heat = Retargeting.ShortestPathProbability(network, split, example, edit, l => l.Find(goal.Object), settings.Strength, edit.CanvasWidth, edit.CanvasHeight);
        var heat0 = Retargeting.ShortestPathProbability(network, split, example, null, l => l.Find(goal.Object), settings.Strength, edit.CanvasWidth, edit.CanvasHeight);
        return new RetargetStudyResult(world.Name, split.Name, layer, goal.Name, settings.Strength, levels.Count,
            Statistics.Wilson(edited.Count(o => o.Reached), edited.Length), Statistics.Wilson(plain.Count(o => o.Reached), plain.Length),
            byDistance, example.Width, example.Height, example.Start, example.Find(goal.Object), heat, heat0);
    }
}
