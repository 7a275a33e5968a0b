namespace MesaLab.Transparency;

using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>How well one iteration's per-cell states decode one candidate's distance-to-goal map.</summary>
/// <param name="Iteration">0 = the embedding, i = after the tied block ran i times.</param>
/// <param name="R2">Held-out R² (whole levels held out) of a ridge probe from a cell's state to that cell's shortest-path distance to the goal.</param>
/// <param name="Shuffled">The same probe fitted on shuffled training targets (a probe that fits noise is no evidence).</param>
/// <param name="RandomInit">The same probe on the same architecture with random weights (null when not run): what the architecture and input alone make decodable.</param>
public sealed record ValueMapRow(int Iteration, string Layer, string Goal, double R2, double Shuffled, double? RandomInit);

/// <summary>Value-map probes of one network, by iteration and candidate goal.</summary>
/// <param name="TrainedIterations">K on this canvas at scale 1 (what training ran); iterations beyond it are extrapolation.</param>
/// <param name="Cells">Probe samples: cells over all levels (one state per level).</param>
public sealed record ValueMapProbeResult(string Network, string Split, int Levels, int Cells, int TrainedIterations, IReadOnlyList<string> Goals, IReadOnlyList<ValueMapRow> Rows)
{
    public IEnumerable<ValueMapRow> For(string goal) => Rows.Where(r => r.Goal == goal).OrderBy(r => r.Iteration);
}

/// <summary>
/// A search signature inside a network: if its tied block computes something like value iteration, then after i iterations
/// a cell's state should say how far that cell is from the goal (at least for cells within reach of i steps), and a linear
/// probe from one cell's state vector to its distance-to-goal should get better with i. For every iteration and every
/// single-cell candidate goal (the exit and the arrow sit apart on deploy levels, so each has its own map) this fits one
/// ridge probe shared by all cells and scores it by held-out R² on levels the probe never saw, with a shuffled-target
/// control and, optionally, a randomly initialised copy of the network as a second control.
/// </summary>
public static class ValueMapProbe
{
    public static ValueMapProbeResult Run(IterativeNetwork network, IterativeNetwork? randomControl, Split split, LearnedSearchSettings settings,
        ProbeSettings probe, Action<string>? log = null)
    {
        if (!network.HasIterations)
            throw new UserError($"{network.Name} is a '{network.Kind}' network with no tied block; value maps by iteration need network.kind maze or thinking.");
        var world = split.World;
        var goals = world.Candidates.Where(c => c.Kind == ObjectiveKind.Reach && c.Object != CellObject.None).ToList();
        if (goals.Count == 0) throw new UserError($"world '{world.Name}' has no single-cell candidate goal to draw a value map for.");
        var generator = world.CreateGenerator(split);
        int cw = generator.MaxWidth, ch = generator.MaxHeight;
        var levels = Enumerable.Range(0, settings.ProbeLevels).Select(i => generator.Generate(settings.Seed, i)).ToList();
        var samples = Samples(levels, goals, cw, ch);
        if (samples.Canvas.Count < 4) throw new UserError($"split '{split.Name}' gave only {samples.Canvas.Count} probe cells; raise learned_search.probe_levels.");
        int trained = network.Iterations(ch, cw);
        var scores = Scores(network, split, levels, samples, settings.ProbeScale, probe, log);
        var random = randomControl is null ? null : Scores(randomControl, split, levels, samples, settings.ProbeScale, probe, null);
        var rows = new List<ValueMapRow>();
        for (int i = 0; i < scores.Count; i++)
            for (int g = 0; g < samples.Goals.Count; g++)
                rows.Add(new ValueMapRow(i, IterativeNetwork.IterationLayer(i), samples.Goals[g], scores[i].R2[g], scores[i].Shuffled[g],
                    random is null || i >= random.Count ? null : random[i].R2[g]));
        return new ValueMapProbeResult(network.Name, split.Name, levels.Count, samples.Canvas.Count, trained, samples.Goals, rows);
    }

    /// <summary>Probe rows: per cell inside a level (and reachable from every goal), its canvas position, level and distance to each goal.</summary>
    internal sealed record CellSamples(IReadOnlyList<string> Goals, List<(int Level, int X, int Y)> Canvas, List<long> Groups, float[][] Distances);

    internal static CellSamples Samples(IReadOnlyList<Level> levels, IReadOnlyList<CandidateObjective> candidates, int cw, int ch)
    {
        var present = candidates.Where(c => levels.All(l => l.Find(c.Object) >= 0)).ToList();
        if (present.Count == 0) throw new UserError("no candidate goal is present on every probed level.");
        var canvas = new List<(int, int, int)>();
        var groups = new List<long>();
        var dist = present.Select(_ => new List<float>()).ToArray();
        for (int n = 0; n < levels.Count; n++)
        {
            var l = levels[n];
            var maps = present.Select(c => Bfs.DistancesTo(l, [l.Find(c.Object)])).ToArray();
            for (int c = 0; c < l.CellCount; c++)
            {
                if (maps.Any(m => m[c] == Bfs.Unreachable)) continue;
                var (x, y) = ObservationBuilder.CanvasPosition(l, c, cw, ch);
                canvas.Add((n, x, y));
                groups.Add(n);
                for (int g = 0; g < maps.Length; g++) dist[g].Add(maps[g][c]);
            }
        }
        return new CellSamples([.. present.Select(c => c.Name)], canvas, groups, [.. dist.Select(d => d.ToArray())]);
    }

    private sealed record IterationScore(double[] R2, double[] Shuffled);

    private static List<IterationScore> Scores(IterativeNetwork network, Split split, IReadOnlyList<Level> levels, CellSamples samples, double scale,
        ProbeSettings probe, Action<string>? log)
    {
        var generator = split.World.CreateGenerator(split);
        int cw = generator.MaxWidth, ch = generator.MaxHeight;
        double original = network.IterationScale;
        network.IterationScale = scale;
        try
        {
            int count = network.Iterations(ch, cw);
            var layers = Enumerable.Range(0, count + 1).Select(IterativeNetwork.IterationLayer).ToList();
            log?.Invoke($"value maps: {network.Name}, iterations 0..{count}, {samples.Canvas.Count} cells of {levels.Count} levels");
            using var scope = NewDisposeScope();
            var obs = ObservationBuilder.Build(split, [.. levels.Select(l => (l, l.Start))], cw, ch);
            using var captured = ActivationCapture.Capture(network.Network, obs, layers);
            var result = new List<IterationScore>();
            foreach (var layer in layers)
            {
                var features = CellFeatures(captured[layer], samples, cw, ch, layer);
                var prepared = ProbeFeatures.Prepare(features, probe, samples.Groups);
                var r2 = new double[samples.Goals.Count];
                var shuffled = new double[samples.Goals.Count];
                for (int g = 0; g < samples.Goals.Count; g++)
                {
                    r2[g] = LinearProbe.FitRidge(prepared, samples.Distances[g], probe).Score.Score;
                    shuffled[g] = LinearProbe.FitRidge(prepared, samples.Distances[g], probe, shuffleLabels: true).Score.Score;
                }
                result.Add(new IterationScore(r2, shuffled));
            }
            return result;
        }
        finally
        {
            network.IterationScale = original;
        }
    }

    /// <summary>Each sample cell's state vector from a channels-last per-cell activation (N × H × W × C).</summary>
    internal static FeatureMatrix CellFeatures(Tensor activation, CellSamples samples, int cw, int ch, string layer)
    {
        if (activation.dim() != 4 || activation.shape[1] != ch || activation.shape[2] != cw)
            throw new UserError($"layer '{layer}' has shape [{string.Join(", ", activation.shape)}], not per-cell states N × {ch} × {cw} × C; value-map probes need a maze or thinking network.");
        int c = (int)activation.shape[3];
        var all = activation.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var rows = new float[samples.Canvas.Count * c];
        for (int r = 0; r < samples.Canvas.Count; r++)
        {
            var (n, x, y) = samples.Canvas[r];
            Array.Copy(all, (((long)n * ch + y) * cw + x) * c, rows, (long)r * c, c);
        }
        return new FeatureMatrix(rows, samples.Canvas.Count, c);
    }
}
