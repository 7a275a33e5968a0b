namespace MesaLab.Transparency;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>Settings of the resampling ablation (YAML section <c>resampling:</c>).</summary>
[ConfigSection("resampling")]
public sealed record ResamplingSettings
{
    /// <summary>Levels tried (level i of the split, i from 0); those with a decision square on the agent's way are measured.</summary>
    [Range(2, 100_000)]
    public int Levels { get; init; } = 200;

    /// <summary>Layers ablated, each on its own: names, or prefixes ending in `*` for every iteration of a repeated layer (`body.step.*`). Empty = up to 6 spatial layers spread over the network.</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];

    /// <summary>The candidate whose cell is resampled besides the goal's (null = the first single-cell candidate that is not the base objective, e.g. the arrow).</summary>
    public string? Proxy { get; init; }

    /// <summary>Seed of the levels and of the control cells (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// The behavioural change when the activation at one cell is replaced by the same cell's activation from another level:
/// change in P(towards the proxy) and P(towards the goal) at the decision square, mean over levels with 95 % normal intervals.
/// </summary>
/// <param name="Cell"><c>proxy</c> (the arrow's cell), <c>goal</c> (the exit's) or <c>random</c> (a cell holding neither, not the agent's: the control).</param>
public sealed record ResamplingEffect(string Layer, string Cell, Estimate TowardProxy, Estimate TowardProxyChange, Estimate TowardGoalChange);

public sealed record ResamplingStudyResult(string World, string Split, string Goal, string Proxy, int LevelsTried, int Levels,
    Estimate BaselineTowardProxy, Estimate BaselineTowardGoal, IReadOnlyList<ResamplingEffect> Effects);

/// <summary>
/// Resampling ablations: does the location of the arrow carry the goal? For each level, the agent stands on its decision
/// square; at one spatial layer, every channel of the arrow's cell is replaced by that cell's activation on another level
/// (the agent on that level's start, the cell holding no object there). The same for the exit's cell, and for a random
/// cell holding neither as the control. The effect is the change in the move towards the arrow at the decision square.
/// </summary>
public static class ResamplingStudy
{
    public const string ProxyCell = "proxy";
    public const string GoalCell = "goal";
    public const string RandomCell = "random";

    public static ResamplingStudyResult Run(InspectableNetwork network, Split split, ResamplingSettings settings, Action<string>? log = null)
    {
        var goals = GoalPair.Of(split, settings.Proxy, "resampling.proxy");
        var set = DecisionSquareSet.Generate(split, goals, settings.Levels, settings.Seed);
        if (set.Count < 2)
            throw new UserError($"{set.Count} of the {settings.Levels} levels of split '{split.Name}' have a decision square on the agent's way; resampling needs at least 2; raise resampling.levels.");
        return Run(network, set, settings, log);
    }

    /// <summary>The ablation on a given set of decision squares (at least 2).</summary>
    public static ResamplingStudyResult Run(InspectableNetwork network, DecisionSquareSet set, ResamplingSettings settings, Action<string>? log = null)
    {
        var split = set.Split;
        var goals = set.Goals;
        int cw = set.CanvasWidth, ch = set.CanvasHeight;
        var (shapes, spatial) = Shapes(network, set);
        var entries = settings.Layers.Count > 0 ? settings.Layers : DefaultLayers(network, spatial);
        foreach (var entry in entries)
            foreach (var layer in network.Match(entry))
                if (!spatial.ContainsKey(layer))
                    throw new UserError($"resampling.layers: '{layer}' is not a map over the canvas; the spatial layers are {string.Join(", ", spatial.Keys)}.");

        var rng = new Rng(settings.Seed ^ 0x2E5A_3B1EUL);
        var cells = new Dictionary<string, int[]>
        {
            [ProxyCell] = [.. set.States.Select(s => s.ProxyCell)],
            [GoalCell] = [.. set.States.Select(s => s.GoalCell)],
            [RandomCell] = [.. set.States.Select(s =>
            {
                var free = Enumerable.Range(0, s.Level.CellCount).Where(c => c != s.Square.Cell && s.Level.Objects[c] == CellObject.None).ToArray();
                return free[rng.Next(free.Length)];
            })],
        };
        var (baseGoal, baseProxy) = set.Probabilities(network);
        var effects = new List<ResamplingEffect>();
        foreach (var entry in entries)
        {
            var layers = network.Match(entry);
            foreach (var (name, cellOf) in cells)
            {
                var canvasCells = set.States.Select((s, i) => ObservationBuilder.CanvasPosition(s.Level, cellOf[i], cw, ch)).ToArray();
                var sources = Sources(set, canvasCells);
                var sourceObs = ObservationBuilder.Build(split, [.. sources.Select(j => (set.States[j].Level, set.States[j].Level.Start))], cw, ch);
                using var captured = ActivationCapture.Capture(network, sourceObs, layers);
                var patches = layers.Select(layer =>
                {
                    var shape = spatial[layer];
                    var values = ActivationCapture.Flatten(captured[layer], out int size);
                    return ActivationPatch.Replace(layer, shapes[layer], [.. canvasCells.Select((p, i) =>
                    {
                        var idx = Enumerable.Range(0, shape.Channels).Select(c => shape.Index(p.X, p.Y, c)).ToArray();
                        return (idx, idx.Select(k => values[i * size + k]).ToArray());
                    })]);
                }).ToList();
                double[] goal, proxy;
                using (ActivationPatch.ApplyAll(network, patches))
                    (goal, proxy) = set.Probabilities(network);
                effects.Add(new ResamplingEffect(entry, name, Estimate.OfMean(proxy),
                    Estimate.OfMean([.. proxy.Select((p, i) => p - baseProxy[i])]), Estimate.OfMean([.. goal.Select((p, i) => p - baseGoal[i])])));
                log?.Invoke($"{entry}, {name} cell resampled: ΔP(towards the {goals.Proxy.Name}) = {effects[^1].TowardProxyChange.Format("0.000")}, ΔP(towards the {goals.Goal.Name}) = {effects[^1].TowardGoalChange.Format("0.000")}");
            }
        }
        return new ResamplingStudyResult(split.World.Name, split.Name, goals.Goal.Name, goals.Proxy.Name, set.LevelsTried, set.Count,
            Estimate.OfMean(baseProxy), Estimate.OfMean(baseGoal), effects);
    }

    /// <summary>
    /// For each state, another state's level to take the activation from: the next level (in order, wrapping) whose grid
    /// covers that canvas cell with no object on it and not its agent's start.
    /// </summary>
    private static int[] Sources(DecisionSquareSet set, (int X, int Y)[] canvasCells)
    {
        int n = set.Count;
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = -1;
            for (int k = 1; k < n && result[i] < 0; k++)
            {
                int j = (i + k) % n;
                var l = set.States[j].Level;
                int x = canvasCells[i].X - (set.CanvasWidth - l.Width) / 2, y = canvasCells[i].Y - (set.CanvasHeight - l.Height) / 2;
                if (x < 0 || y < 0 || x >= l.Width || y >= l.Height) continue;
                int c = l.CellAt(x, y);
                if (l.Objects[c] == CellObject.None && c != l.Start) result[i] = j;
            }
            // No other level covers the cell without an object: fall back to the next level (its padding or object there).
            if (result[i] < 0) result[i] = (i + 1) % n;
        }
        return result;
    }

    private static (Dictionary<string, long[]> Shapes, IReadOnlyDictionary<string, SpatialShape> Spatial) Shapes(InspectableNetwork network, DecisionSquareSet set)
    {
        using var scope = NewDisposeScope();
        using var sample = ActivationCapture.Capture(network, set.Observations(0, 1));
        var shapes = sample.ByLayer.ToDictionary(kv => kv.Key, kv => kv.Value.shape[1..]);
        return (shapes, ChannelLocalization.SpatialLayers(network, shapes, set.CanvasWidth, set.CanvasHeight));
    }

    /// <summary>Up to 6 spatial layers in network order: all of them when few, else the first, the last and evenly spaced ones between.</summary>
    public static IReadOnlyList<string> DefaultLayers(InspectableNetwork network, IReadOnlyDictionary<string, SpatialShape> spatial, int max = 6)
    {
        var layers = network.LayerNames.Where(spatial.ContainsKey).ToList();
        if (layers.Count == 0) throw new UserError($"{network.Name} has no layer that is a map over the canvas; resampling needs one.");
        if (layers.Count <= max) return layers;
        return [.. Enumerable.Range(0, max).Select(i => layers[(int)Math.Round(i * (layers.Count - 1) / (double)(max - 1))]).Distinct()];
    }
}
