namespace MesaLab.Transparency;

using MesaLab.Worlds;

/// <summary>A quantity probes try to decode: a cell position (decoded as column and row) or a class.</summary>
/// <param name="Name">e.g. <c>agent_position</c>, <c>exit_position</c>, <c>direction_to_arrow</c>, <c>next_action</c>.</param>
/// <param name="Kind"><c>position</c> (accuracy = column and row both right) or <c>class</c>.</param>
public sealed record ProbeTarget(string Name, string Kind, string Description);

/// <summary>Held-out accuracy of one target at one layer, with its controls.</summary>
/// <param name="Accuracy">Probe trained on the real labels.</param>
/// <param name="Chance">Always guessing the most common training label.</param>
/// <param name="ShuffledLabels">Probe trained on shuffled labels (should be near chance).</param>
/// <param name="RandomInit">Same probe on the same architecture randomly initialized (null when not run): what the input alone makes decodable.</param>
/// <param name="Converged">Whether the probe on the real labels converged (both of a position's probes); see <see cref="ProbeScore.Convergence"/>.</param>
public sealed record ProbeRow(string Target, string Layer, double Accuracy, double Chance, double ShuffledLabels, double? RandomInit, int TrainSamples, int TestSamples,
    bool Converged = true);

/// <summary>Every probe of one study.</summary>
public sealed record ProbeStudyResult(string World, string Split, int Samples, IReadOnlyList<string> Layers, IReadOnlyList<ProbeTarget> Targets, IReadOnlyList<ProbeRow> Rows)
{
    public ProbeRow? Row(string target, string layer) => Rows.FirstOrDefault(r => r.Target == target && r.Layer == layer);

    /// <summary>The layer where <paramref name="target"/> is decoded best (ties: the earlier layer).</summary>
    public string BestLayer(string target) =>
        Rows.Where(r => r.Target == target).OrderByDescending(r => r.Accuracy).ThenBy(r => Layers.ToList().IndexOf(r.Layer)).First().Layer;
}

/// <summary>
/// Probes for what a policy network represents: the agent's position, each reachable candidate goal's position,
/// the first move of the shortest path to each goal, and the network's own next move, at each layer; with a
/// shuffled-label control and (optionally) the same architecture randomly initialized.
/// </summary>
public static class ProbeStudy
{
    /// <summary>The targets for a world: agent position, then position and direction of every single-cell candidate goal, then next action.</summary>
    public static IReadOnlyList<ProbeTarget> TargetsFor(World world)
    {
        var t = new List<ProbeTarget> { new("agent_position", "position", "the agent's cell") };
        foreach (var c in world.Candidates.Where(c => c.Kind == ObjectiveKind.Reach && c.Object != CellObject.None))
        {
            t.Add(new($"{c.Name}_position", "position", $"the cell of the {c.Name} (candidate objective '{c.Name}')"));
            t.Add(new($"direction_to_{c.Name}", "class", $"the first move of a shortest path to the {c.Name}"));
        }
        t.Add(new("next_action", "class", "the network's most probable move"));
        return t;
    }

    /// <summary>Labels of every target for every state: for positions two arrays (column, row), for classes one.</summary>
    public static Dictionary<string, int[][]> Labels(ProbeStates states, IReadOnlyList<ProbeTarget> targets, int[] nextMoves)
    {
        var world = states.Split.World;
        var result = new Dictionary<string, int[][]>();
        int n = states.Count;
        var distCache = new Dictionary<(Level, int), int[]>();
        foreach (var t in targets)
        {
            if (t.Name == "next_action") { result[t.Name] = [nextMoves]; continue; }
            if (t.Name == "agent_position")
            {
                result[t.Name] = Positions(states, s => s.AgentCell);
                continue;
            }
            string goal = t.Name.EndsWith("_position") ? t.Name[..^"_position".Length] : t.Name["direction_to_".Length..];
            var obj = world.RequireCandidate(goal, "probe targets").Object;
            if (t.Kind == "position") { result[t.Name] = Positions(states, s => s.Level.Find(obj)); continue; }
            var dir = new int[n];
            for (int i = 0; i < n; i++)
            {
                var s = states.States[i];
                int g = s.Level.Find(obj);
                if (!distCache.TryGetValue((s.Level, g), out var d)) distCache[(s.Level, g)] = d = Bfs.DistancesTo(s.Level, [g]);
                dir[i] = (int)(Bfs.FirstMove(s.Level, d, s.AgentCell) ?? Move.Up);
            }
            result[t.Name] = [dir];
        }
        return result;
    }

    private static int[][] Positions(ProbeStates states, Func<ProbeState, int> cellOf)
    {
        var x = new int[states.Count];
        var y = new int[states.Count];
        for (int i = 0; i < states.Count; i++)
        {
            var s = states.States[i];
            (x[i], y[i]) = ObservationBuilder.CanvasPosition(s.Level, cellOf(s), states.CanvasWidth, states.CanvasHeight);
        }
        return [x, y];
    }

    /// <summary>
    /// Runs every probe. <paramref name="activations"/> are the network's (from <see cref="ProbeStates.Capture"/> or the
    /// on-disk cache); <paramref name="randomInitActivations"/> the randomly initialized control's (null to skip).
    /// </summary>
    public static ProbeStudyResult Run(ProbeStates states, IReadOnlyList<string> layers, IReadOnlyDictionary<string, FeatureMatrix> activations,
        int[] nextMoves, IReadOnlyDictionary<string, FeatureMatrix>? randomInitActivations, ProbeSettings settings, Action<string>? log = null)
    {
        var targets = TargetsFor(states.Split.World);
        var labels = Labels(states, targets, nextMoves);
        var rows = new List<ProbeRow>();
        foreach (var layer in layers)
        {
            log?.Invoke($"probing layer {layer} ({activations[layer].Columns} units, {states.Count} states)");
            // Held-out rows come from held-out levels: several states share a level, and a probe must not score by recognizing it.
            var groups = states.States.Select(s => s.Level.Index).ToArray();
            var prepared = ProbeFeatures.Prepare(activations[layer], settings, groups);
            var control = randomInitActivations is not null && randomInitActivations.TryGetValue(layer, out var ra) ? ProbeFeatures.Prepare(ra, settings, groups) : null;
            foreach (var t in targets)
            {
                var (acc, chance, train, test, converged) = Score(prepared, labels[t.Name], states, t, settings, false);
                var (shuffled, _, _, _, _) = Score(prepared, labels[t.Name], states, t, settings, true);
                double? random = control is null ? null : Score(control, labels[t.Name], states, t, settings, false).Accuracy;
                rows.Add(new ProbeRow(t.Name, layer, acc, chance, shuffled, random, train, test, converged));
            }
        }
        return new ProbeStudyResult(states.Split.World.Name, states.Split.Name, states.Count, layers, targets, rows);
    }

    private static (double Accuracy, double Chance, int Train, int Test, bool Converged) Score(ProbeFeatures x, int[][] labels, ProbeStates states, ProbeTarget t, ProbeSettings settings, bool shuffle)
    {
        if (t.Kind == "class")
        {
            var p = LinearProbe.FitClassifier(x, labels[0], Moves.Count, settings, shuffle);
            return (p.Score.Score, p.Score.Chance, p.Score.TrainSamples, p.Score.TestSamples, p.Score.Converged);
        }
        // Position: column and row probes; a held-out state counts when both are right.
        var px = LinearProbe.FitClassifier(x, labels[0], states.CanvasWidth, settings, shuffle);
        var py = LinearProbe.FitClassifier(x, labels[1], states.CanvasHeight, settings, shuffle);
        var test = x.Test;
        var predX = px.PredictHeldOut();
        var predY = py.PredictHeldOut();
        int right = 0;
        for (int i = 0; i < test.Length; i++) if (predX[i] == labels[0][test[i]] && predY[i] == labels[1][test[i]]) right++;
        var pairs = x.Train.Select(r => (labels[0][r], labels[1][r])).GroupBy(p => p).OrderByDescending(g => g.Count()).First().Key;
        double chance = test.Count(r => labels[0][r] == pairs.Item1 && labels[1][r] == pairs.Item2) / (double)test.Length;
        return (right / (double)test.Length, chance, x.Train.Length, test.Length, px.Score.Converged && py.Score.Converged);
    }
}
