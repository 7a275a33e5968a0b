namespace MesaLab.Experiments;

using MesaLab.Learning;
using MesaLab.Reports.Transparency;
using MesaLab.Store;
using MesaLab.Transparency;

/// <summary>One recorded layer: its activation shape and width.</summary>
public sealed record RecordedLayer(string Name, IReadOnlyList<long> Shape, int Features);

/// <summary>What <see cref="InspectionJobs.Activations"/> recorded and where it cached it.</summary>
public sealed record ActivationsResult(string Run, string Split, string Path, int Samples, IReadOnlyList<string> AllLayers, IReadOnlyList<RecordedLayer> Layers);

/// <summary>Probe accuracies by layer and target (with controls), the search-likeness test, and their plots.</summary>
public sealed record ProbeResult(string Run, ProbeStudyResult Probes, string ProbePlot, SearchLikenessResult? SearchLikeness, string? SearchPlot);

/// <summary>A steering study and its plots (effect at decision squares by vector and coefficient; rollouts when run).</summary>
public sealed record SteeringResult(string Run, SteeringStudyResult Steering, IReadOnlyList<string> Plots);

/// <summary>A retargeting study and its plots (success by distance per condition, shortest-path heatmaps, channel correlation maps).</summary>
public sealed record RetargetResult(string Run, RetargetStudyResult Retargeting, IReadOnlyList<string> Plots);

/// <summary>Behaviour at decision squares, the regression on level features, and its plot.</summary>
public sealed record DecisionSquaresResult(string Run, DecisionSquareStudyResult DecisionSquares, IReadOnlyList<string> Plots);

/// <summary>A resampling ablation and its plot.</summary>
public sealed record ResamplingResult(string Run, ResamplingStudyResult Resampling, IReadOnlyList<string> Plots);

/// <summary>Attribution maps of one level and their plots.</summary>
public sealed record AttributeResult(string Run, AttributionResult Attribution, IReadOnlyList<string> Plots);

/// <summary>
/// The transparency studies on a stored run (<c>activations</c>, <c>probe</c>, <c>decision-squares</c>, <c>steer</c>,
/// <c>retarget</c>, <c>resample</c>, <c>attribute</c>): each opens the run's checkpoint on the split of <c>inspection.split</c>, runs with its section's
/// settings and the evaluation seed, stores its result document with the run and writes its pictures next to the
/// run's files.
/// </summary>
public static class InspectionJobs
{
    /// <summary>The network of <paramref name="run"/>'s chosen (or latest) checkpoint on the inspection split, checked for this use.</summary>
    public static TransparencySubject Open(StoredRun run, INarrator narrator, long? checkpoint = null)
    {
        var config = run.Config;
        TorchSetup.SetThreads(config.Threads);
        var inspection = config.Section<InspectionSettings>();
        var reference = run.Checkpoint(checkpoint);
        var path = run.VerifiedPath(reference);
        var read = Checkpoint.Read(path);
        if (!string.Equals(read.Meta.World, run.World.Name, StringComparison.OrdinalIgnoreCase))
            throw new UserError($"{run.Label} is recorded for world '{run.World.Name}' but its checkpoint {reference.Path} was trained on '{read.Meta.World}'; the run store and the checkpoint do not match.");
        var split = inspection.Split is null ? config.DeploySplit : config.Split(inspection.Split);
        var generator = split.World.CreateGenerator(split);
        if (read.Meta.Network.Kind == "mlp" && (generator.MaxWidth != read.Meta.InputWidth || generator.MaxHeight != read.Meta.InputHeight))
            throw new UserError($"{run.Label} has an mlp network tied to {read.Meta.InputWidth}×{read.Meta.InputHeight} canvases but split '{split.Name}' needs {generator.MaxWidth}×{generator.MaxHeight}; use a split of that size or a maze network.");
        var subject = new TransparencySubject(run.Id, run.Name, path, reference.Sha256, split, read.BuildNetwork(), read.Meta, run.Store.Workspace);
        narrator.Log($"inspecting {subject.Network.Name}: checkpoint {Path.GetFileName(path)}, split '{split.Name}' ({subject.CanvasWidth}×{subject.CanvasHeight} canvas)");
        return subject;
    }

    /// <summary>Records activations over probe states and caches them with the run.</summary>
    public static ActivationsResult Activations(StoredRun run, INarrator narrator, long? checkpoint = null)
    {
        using var subject = Open(run, narrator, checkpoint);
        var inspection = run.Config.Section<InspectionSettings>();
        var layers = inspection.Layers is ["all"] ? subject.Network.LayerNames : Layers(subject, inspection);
        var (states, header, acts, path) = ActivationStudies.RecordActivations(subject, layers, ActivationSettingsOf(run), narrator.Log);
        var result = new ActivationsResult(run.Id, subject.Split.Name, path, states.Count, subject.Network.LayerNames,
            [.. layers.Select((l, i) => new RecordedLayer(l, header.Shapes[i], acts[l].Columns))]);
        Store(run.Store, run.Id, ResultKinds.Activations, subject.Split.Name, new { path, samples = states.Count, layers });
        return result;
    }

    /// <summary>Linear probes per layer and target with the shuffled-label (and random-network) controls, and the search-likeness test.</summary>
    public static ProbeResult Probe(StoredRun run, INarrator narrator, long? checkpoint = null)
    {
        using var subject = Open(run, narrator, checkpoint);
        var config = run.Config;
        var inspection = config.Section<InspectionSettings>();
        ulong seed = config.Section<EvaluationSettings>().Seed;
        var layers = Layers(subject, inspection);
        var probes = ActivationStudies.Probe(subject, layers, ActivationSettingsOf(run), config.Section<ProbeSettings>() with { Seed = seed },
            inspection.RandomInitControl, narrator.Log);
        Store(run.Store, run.Id, ResultKinds.Probes, subject.Split.Name, probes);
        var plot = SavePng(subject, $"probes-{subject.Split.Name}.png", TransparencyPlots.ProbeAccuracyByLayer(probes.Layers,
            [.. probes.Targets.Select(t => new ProbeAccuracySeries(t.Name, [.. probes.Layers.Select(l => probes.Row(t.Name, l)!.Accuracy)], [.. probes.Layers.Select(l => probes.Row(t.Name, l)!.Converged)]))],
            chance: probes.Rows.Average(r => r.Chance)));
        SearchLikenessResult? search = null;
        string? searchPlot = null;
        if (inspection.SearchLikeness)
        {
            narrator.Log("search-likeness: rolling out on mazes of growing size");
            search = Transparency.SearchLikeness.Run(subject.Network, subject.Split, config.Section<SearchLikenessSettings>() with { Seed = seed }, narrator.Log);
            Store(run.Store, run.Id, ResultKinds.SearchLikeness, subject.Split.Name, search);
            if (search.BySize.Count > 0)
                searchPlot = SavePng(subject, "search-likeness.png", TransparencyPlots.SearchLikeness(
                    [.. search.BySize.Select(s => (double)s.Value)], [.. search.BySize.Select(s => s.Success)], [.. search.BySize.Select(s => s.Efficiency)]));
        }
        return new ProbeResult(run.Id, probes, plot, search, searchPlot);
    }

    /// <summary>Per-level and averaged steering vectors with random controls: the change of the move at decision squares, and rollouts.</summary>
    public static SteeringResult Steer(StoredRun run, INarrator narrator, long? checkpoint = null)
    {
        using var subject = Open(run, narrator, checkpoint);
        var settings = run.Config.Section<SteeringSettings>() with { Seed = run.Config.Section<EvaluationSettings>().Seed };
        var result = SteeringStudy.Run(subject.Network, subject.Split, settings, narrator.Log);
        Store(run.Store, run.Id, ResultKinds.Steering, subject.Split.Name, result);
        var vectors = result.Effects.Select(e => e.Vector).Distinct().ToList();
        var coefficients = result.Effects.Select(e => e.Coefficient).Distinct().Order().ToList();
        var plots = new List<string>
        {
            SavePng(subject, $"steering-{result.Feature}.png", TransparencyPlots.SteeringCurve(
                $"Steering at {result.Layer}: change at decision squares", $"change in P(move towards the {result.Feature})", coefficients,
                [.. vectors.Select(v => (v, (IReadOnlyList<Estimate>)[.. coefficients.Select(c => result.Effects.First(e => e.Vector == v && e.Coefficient == c).TowardProxyChange)]))])),
        };
        if (result.Rollouts.Count > 0)
        {
            var none = result.Rollouts.First(r => r.Vector == "none");
            var all = coefficients.Append(0).Order().ToList();
            plots.Add(SavePng(subject, $"steering-{result.Feature}-rollouts.png", TransparencyPlots.SteeringCurve(
                $"Steering at {result.Layer}: rollouts", $"P({result.Feature} reached first)", all,
                [.. vectors.Select(v => (v, (IReadOnlyList<Estimate>)[.. all.Select(c => (c == 0 ? none : result.Rollouts.First(r => r.Vector == v && r.Coefficient == c)).FirstReached[result.Feature])]))],
                yMin: 0, yMax: 1)));
        }
        return new SteeringResult(run.Id, result, plots);
    }

    /// <summary>Edits the channels that track the goal (or the layer's position means) so the agent heads for arbitrary cells, with a control of the same size and a step budget.</summary>
    public static RetargetResult Retarget(StoredRun run, INarrator narrator, long? checkpoint = null)
    {
        using var subject = Open(run, narrator, checkpoint);
        var settings = run.Config.Section<RetargetSettings>() with { Seed = run.Config.Section<EvaluationSettings>().Seed };
        var probes = run.Store.Results(run.Id, null, ResultKinds.Probes).LastOrDefault(x => x.Name == subject.Split.Name) is { } r
            ? MesaLabJson.Deserialize<ProbeStudyResult>(r.Json) : null;
        var result = RetargetStudy.Run(subject.Network, subject.Split, settings, probes, narrator.Log);
        Store(run.Store, run.Id, ResultKinds.Retargeting, subject.Split.Name, result);
        var bins = result.Conditions[0].ByDistance.Select(b => b.MaxDistance == int.MaxValue ? $"{b.MinDistance}+" : $"{b.MinDistance}–{b.MaxDistance}").ToList();
        var plots = new List<string>
        {
            SavePng(subject, "retarget-success.png", TransparencyPlots.RetargetSuccessByDistance(bins,
                [.. result.Conditions.Select(c => (c.Name, (IReadOnlyList<Estimate>)[.. c.ByDistance.Select(b => b.Success)]))])),
            SavePng(subject, "retarget-heatmap.png", TransparencyPlots.ShortestPathHeatmap(
                "P(shortest path to each cell), goal edited to that cell", result.ExampleWidth, result.ExampleHeight, result.ExampleHeatmap, result.ExampleStart, result.ExampleGoal)),
            SavePng(subject, "retarget-heatmap-control.png", TransparencyPlots.ShortestPathHeatmap(
                "P(shortest path to each cell), control edit aimed at that cell", result.ExampleWidth, result.ExampleHeight, result.ExampleHeatmapControl, result.ExampleStart, result.ExampleGoal)),
            SavePng(subject, "retarget-heatmap-unedited.png", TransparencyPlots.ShortestPathHeatmap(
                "P(shortest path to each cell), unedited", result.ExampleWidth, result.ExampleHeight, result.ExampleHeatmapUnedited, result.ExampleStart, result.ExampleGoal)),
        };
        var edited = result.Layer.Split(", ")[0].TrimEnd('*');
        foreach (var l in result.Localization.Where(l => l.Layer.StartsWith(edited, StringComparison.Ordinal)).GroupBy(l => l.Goal).Select(g => g.First()))
            plots.Add(SavePng(subject, $"localization-{l.Goal}.png", TransparencyPlots.CorrelationMap(
                $"{l.Layer} channel {l.BestChannel} vs the {l.Goal}'s position", l.MapWidth, l.MapHeight, l.BestChannelMap)));
        return new RetargetResult(run.Id, result, plots);
    }

    /// <summary>Behaviour at each level's decision square and the regression of the choice of the proxy on level features.</summary>
    public static DecisionSquaresResult DecisionSquares(StoredRun run, INarrator narrator, long? checkpoint = null)
    {
        using var subject = Open(run, narrator, checkpoint);
        var settings = run.Config.Section<DecisionSquareSettings>() with { Seed = run.Config.Section<EvaluationSettings>().Seed };
        var result = DecisionSquareStudy.Run(subject.Network, subject.Split, settings, narrator.Log);
        Store(run.Store, run.Id, ResultKinds.DecisionSquares, subject.Split.Name, result);
        var plots = new List<string>();
        if (result.Regression is { } fit)
        {
            var rows = fit.Coefficients.Where(c => c.Feature != "intercept").ToList();
            plots.Add(SavePng(subject, "decision-squares-regression.png", TransparencyPlots.EffectBars(
                $"What makes the agent turn towards the {result.Proxy}?", "level feature (standardized)", "change in log-odds per SD",
                [.. rows.Select(c => c.Feature)], [("coefficient", (IReadOnlyList<Estimate>)[.. rows.Select(c => c.Coefficient)])])));
        }
        return new DecisionSquaresResult(run.Id, result, plots);
    }

    /// <summary>Resampling ablations: the arrow's, the exit's and a random cell's activation replaced from another level, per layer.</summary>
    public static ResamplingResult Resample(StoredRun run, INarrator narrator, long? checkpoint = null)
    {
        using var subject = Open(run, narrator, checkpoint);
        var settings = run.Config.Section<ResamplingSettings>() with { Seed = run.Config.Section<EvaluationSettings>().Seed };
        var result = ResamplingStudy.Run(subject.Network, subject.Split, settings, narrator.Log);
        Store(run.Store, run.Id, ResultKinds.Resampling, subject.Split.Name, result);
        var layers = result.Effects.Select(e => e.Layer).Distinct().ToList();
        var cells = result.Effects.Select(e => e.Cell).Distinct().ToList();
        var plots = new List<string>
        {
            SavePng(subject, "resampling.png", TransparencyPlots.EffectBars(
                "Resampling one cell's activation from another level", "layer", $"change in P(move towards the {result.Proxy})", layers,
                [.. cells.Select(c => ($"{c} cell", (IReadOnlyList<Estimate>)[.. layers.Select(l => result.Effects.First(e => e.Layer == l && e.Cell == c).TowardProxyChange)]))])),
        };
        return new ResamplingResult(run.Id, result, plots);
    }

    /// <summary>Gradient×input and occlusion maps per input channel for the network's move at the start of one level.</summary>
    public static AttributeResult Attribute(StoredRun run, INarrator narrator, long? checkpoint = null)
    {
        using var subject = Open(run, narrator, checkpoint);
        long level = run.Config.Section<InspectionSettings>().AttributionLevel;
        var result = ActivationStudies.Attribute(subject, level, run.Config.Section<EvaluationSettings>().Seed);
        Store(run.Store, run.Id, ResultKinds.Attribution, $"{subject.Split.Name}/{level}", result);
        var plots = new List<string>();
        foreach (var c in result.Channels.Where(c => c.GradientTimesInputTotal > 0 || c.OcclusionTotal > 0))
        {
            plots.Add(SavePng(subject, $"attribution-{level}-{c.Channel}-gradxinput.png",
                TransparencyPlots.AttributionMap($"gradient×input, channel {c.Channel} (move {result.Move})", result.CanvasWidth, result.CanvasHeight, c.GradientTimesInput)));
            plots.Add(SavePng(subject, $"attribution-{level}-{c.Channel}-occlusion.png",
                TransparencyPlots.AttributionMap($"occlusion, channel {c.Channel} (move {result.Move})", result.CanvasWidth, result.CanvasHeight, c.Occlusion)));
        }
        return new AttributeResult(run.Id, result, plots);
    }

    /// <summary>The layers named in <c>inspection.layers</c> (checked), or the default spread over the network.</summary>
    public static IReadOnlyList<string> Layers(TransparencySubject subject, InspectionSettings inspection) =>
        inspection.Layers.Count == 0 ? subject.DefaultLayers() : subject.Network.ResolveLayers(inspection.Layers);

    private static ActivationSettings ActivationSettingsOf(StoredRun run)
    {
        var inspection = run.Config.Section<InspectionSettings>();
        return new ActivationSettings(inspection.Levels, inspection.StatesPerLevel, run.Config.Section<EvaluationSettings>().Seed);
    }

    /// <summary>Stores a document with the run and returns its id.</summary>
    public static long Store<T>(IRunStore store, string runId, string kind, string name, T document) =>
        store.AddResult(runId, null, kind, name, MesaLabJson.Serialize(document));

    /// <summary>Writes a picture next to the run's transparency files (atomically) and returns its path.</summary>
    public static string SavePng(TransparencySubject subject, string fileName, byte[] png)
    {
        var path = Path.Combine(subject.Directory, fileName);
        AtomicFile.WriteAllBytes(path, png);
        return path;
    }
}
