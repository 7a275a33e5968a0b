namespace MesaLab.Transparency;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>Settings of a retargeting study (YAML section <c>retargeting:</c>).</summary>
[ConfigSection("retargeting")]
public sealed record RetargetSettings : ICheckedSettings
{
    public const string ChannelsMethod = "channels";
    public const string LayerMeansMethod = "layer_means";

    /// <summary>Levels rolled out, each with one random target cell.</summary>
    [Range(1, 100_000)]
    public int Levels { get; init; } = 200;

    /// <summary>Levels used to fit the edit and localize the channels (agent on random cells, 3 states each).</summary>
    [Range(2, 100_000)]
    public int FitLevels { get; init; } = 150;

    /// <summary>Layer to edit: a name, or a prefix ending in `*` for every iteration of a repeated layer (`body.step.*`). Null = the spatial layer whose best channel tracks the goal best (channels), or where the last probe study decoded the goal's position best (layer_means).</summary>
    public string? Layer { get; init; }

    /// <summary>`channels`: edit the channels whose maps track the goal, at the goal's and the target's cells; `layer_means`: add the difference of the layer's mean activations by goal column and row.</summary>
    public string Method { get; init; } = ChannelsMethod;

    /// <summary>Channels edited (method channels): the ones that track the goal best.</summary>
    [Range(1, 4096)]
    public int Channels { get; init; } = 2;

    /// <summary>Scale α of the edit.</summary>
    [Range(-1000.0, 1000.0)] public double Strength { get; init; } = 1.0;

    /// <summary>Step budget as a multiple k of the shortest path from the start to the target: success = standing on the target within k × that many steps.</summary>
    [Range(1.0, 100.0)]
    public double BudgetFactor { get; init; } = 2.0;

    /// <summary>The candidate whose location the network is assumed to encode (null = the base objective).</summary>
    public string? Goal { get; init; }

    /// <summary>Seed of the levels, targets, random-channel control and sampling (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;

    /// <summary>Take the most probable move instead of sampling the policy.</summary>
    public bool Greedy { get; init; }

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (Method is not (ChannelsMethod or LayerMeansMethod)) yield return ("method", $"is '{Method}', but it must be one of {ChannelsMethod}, {LayerMeansMethod}");
    }
}

/// <summary>Success for targets at a range of shortest-path distances.</summary>
public sealed record RetargetBin(int MinDistance, int MaxDistance, int Levels, Estimate Success);

/// <summary>One condition of a retargeting study: the edit, its random control of the same size, or no edit.</summary>
/// <param name="Success">Share of levels where the agent stood on the target within the budget (Wilson 95 % interval).</param>
public sealed record RetargetCondition(string Name, string Description, Estimate Success, IReadOnlyList<RetargetBin> ByDistance);

/// <summary>
/// A retargeting study: channel localization for the goal and the proxy on every spatial layer, the edit and its control,
/// success within the budget per condition, and for one example level the probability of the shortest path to each cell
/// with the edit aimed at that cell, with the control aimed there, and unedited.
/// </summary>
public sealed record RetargetStudyResult(string World, string Split, string Layer, string Goal, string Method, double Strength, double BudgetFactor, int Levels,
    IReadOnlyList<int> Channels, IReadOnlyList<int> ControlChannels, IReadOnlyList<LayerLocalization> Localization, IReadOnlyList<RetargetCondition> Conditions,
    int ExampleWidth, int ExampleHeight, int ExampleStart, int ExampleGoal, double[] ExampleHeatmap, double[] ExampleHeatmapControl, double[] ExampleHeatmapUnedited)
{
    public RetargetCondition Condition(string name) => Conditions.First(c => c.Name == name);
}

/// <summary>
/// Retargeting on real agents with a control and a budget. Localizes the goal in the channels of every spatial layer (on the
/// split's own levels, where the goals are apart), builds the edit — the best-tracking channels moved from the goal's cell to
/// the target's, or the layer's mean-by-position difference — and a control of the same size (the same values on randomly
/// chosen other channels, or a random direction of the same norm), then rolls the agent out on levels where the goal is
/// one cell (the arrow on the exit) with one random target each. Success = on the target within k × its distance.
/// </summary>
public static class RetargetStudy
{
    public const string Edited = "edited";
    public const string Control = "control";
    public const string Unedited = "unedited";

    public static RetargetStudyResult Run(InspectableNetwork network, Split deploySplit, RetargetSettings settings, ProbeStudyResult? probes = null, Action<string>? log = null)
    {
        foreach (var (field, problem) in settings.Check()) throw new UserError($"retargeting.{field} {problem}.");
        var world = deploySplit.World;
        var goal = settings.Goal is { } g ? world.RequireCandidate(g, "retargeting.goal") : world.BaseObjective(deploySplit);
        var singleCell = world.Candidates.Where(c => c.Kind == ObjectiveKind.Reach && c.Object is not (CellObject.None or CellObject.Lava)).ToList();
        if (!singleCell.Contains(goal))
            throw new UserError($"retargeting.goal: candidate '{goal.Name}' is not a single goal cell; choose one of {string.Join(", ", singleCell.Select(c => c.Name))}.");
        // Rollouts on levels where the arrow sits on the exit (if the world has that switch), so the network sees one goal to move.
        var split = world.Parameter("arrow") is not null
            ? deploySplit.With(new Dictionary<string, object> { ["arrow"] = "on_exit", ["randomized_fraction"] = 0.0 }, "retargeting", deploySplit.Name + "+arrow-on-exit")
            : deploySplit;

        // Localization on the deploy split's own levels, where the goals are apart and each can be tracked.
        var fit = ProbeStates.Generate(deploySplit, settings.FitLevels, 3, settings.Seed ^ 0x7A26E7UL, firstLevelIndex: 2_000_000);
        var (acts, shapes, _) = fit.Capture(network, network.LayerNames);
        var spatial = ChannelLocalization.SpatialLayers(network, shapes, fit.CanvasWidth, fit.CanvasHeight);
        var localization = new List<LayerLocalization>();
        foreach (var layer in network.LayerNames.Where(spatial.ContainsKey))
            foreach (var c in singleCell.Where(c => fit.States.All(s => s.Level.Find(c.Object) >= 0)))
                localization.Add(ChannelLocalization.Score(layer, spatial[layer], acts[layer], fit, c));

        IReadOnlyList<string> layers;
        IGoalEdit edit, control;
        IReadOnlyList<int> channels = [], controlChannels = [];
        if (settings.Method == RetargetSettings.ChannelsMethod)
        {
            var goalScores = localization.Where(l => l.Goal == goal.Name).ToList();
            if (goalScores.Count == 0)
                throw new UserError($"{network.Name} has no layer that is a map over the {fit.CanvasWidth}×{fit.CanvasHeight} canvas; use retargeting.method: {RetargetSettings.LayerMeansMethod}.");
            layers = settings.Layer is { } l ? network.Match(l) : [goalScores.OrderByDescending(s => s.Channels.Max(c => c.Correlation)).First().Layer];
            foreach (var name in layers)
                if (!spatial.ContainsKey(name))
                    throw new UserError($"retargeting.layer: '{name}' is not a map over the canvas; the spatial layers are {string.Join(", ", spatial.Keys)}.");
            var channelEdit = ChannelEdit.Best([.. layers.Select(n => goalScores.First(s => s.Layer == n))], shapes, spatial, settings.Channels);
            var randomChannels = channelEdit.RandomChannels(settings.Seed);
            (edit, control, channels, controlChannels) = (channelEdit, randomChannels, channelEdit.Channels, randomChannels.Channels);
        }
        else
        {
            string layer = network.Layer(settings.Layer
                ?? (probes is not null && probes.Rows.Any(r => r.Target == $"{goal.Name}_position") ? probes.BestLayer($"{goal.Name}_position") : SteeringStudy.DefaultLayer(network)));
            layers = [layer];
            var oneGoal = ProbeStates.Generate(split, settings.FitLevels, 3, settings.Seed ^ 0x7A26E7UL, firstLevelIndex: 2_000_000);
            var gx = new int[oneGoal.Count];
            var gy = new int[oneGoal.Count];
            for (int i = 0; i < oneGoal.Count; i++)
                (gx[i], gy[i]) = ObservationBuilder.CanvasPosition(oneGoal.States[i].Level, oneGoal.States[i].Level.Find(goal.Object), oneGoal.CanvasWidth, oneGoal.CanvasHeight);
            edit = GoalLocationEdit.Fit(network, layer, oneGoal.Observations(), gx, gy);
            control = new RandomDirectionEdit(edit, settings.Seed);
        }
        log?.Invoke($"edit: {edit.Description}; control: {control.Description}");

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
        var rollout = new RolloutSettings { Greedy = settings.Greedy, Seed = settings.Seed, CanvasWidth = edit.CanvasWidth, CanvasHeight = edit.CanvasHeight };
        int Source(Level l) => l.Find(goal.Object);
        RetargetCondition Measure(string name, string description, IGoalEdit? e)
        {
            var outcomes = Retargeting.Run(network, split, levels, targets, e, Source, settings.Strength, settings.BudgetFactor, rollout);
            int[][] bins = [[1, 3], [4, 7], [8, 15], [16, int.MaxValue]];
            var byDistance = bins.Select(b =>
            {
                var sel = outcomes.Where(o => o.Distance >= b[0] && o.Distance <= b[1]).ToList();
                return new RetargetBin(b[0], b[1], sel.Count, Statistics.Wilson(sel.Count(o => o.Reached), sel.Count));
            }).Where(b => b.Levels > 0).ToList();
            var condition = new RetargetCondition(name, description, Statistics.Wilson(outcomes.Count(o => o.Reached), outcomes.Length), byDistance);
            log?.Invoke($"{name}: on the target within {settings.BudgetFactor:0.##} × its distance in {condition.Success.Format("0.000")} of {levels.Count} levels");
            return condition;
        }
        var conditions = new List<RetargetCondition>
        {
            Measure(Edited, edit.Description, edit),
            Measure(Control, control.Description, control),
            Measure(Unedited, "no edit", null),
        };

        var example = levels[0];
        double[] Heat(IGoalEdit? e) => Retargeting.ShortestPathProbability(network, split, example, e, Source, settings.Strength, edit.CanvasWidth, edit.CanvasHeight);
        return new RetargetStudyResult(world.Name, split.Name, settings.Layer ?? string.Join(", ", layers), goal.Name, settings.Method, settings.Strength, settings.BudgetFactor,
            levels.Count, channels, controlChannels, localization, conditions,
            example.Width, example.Height, example.Start, example.Find(goal.Object), Heat(edit), Heat(control), Heat(null));
    }
}
