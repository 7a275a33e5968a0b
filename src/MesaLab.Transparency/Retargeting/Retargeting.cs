namespace MesaLab.Transparency;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>One retargeted episode: the level, the target cell, its shortest-path distance from the start, the step budget and whether the agent stood on the target within it.</summary>
/// <param name="StepsToTarget">The step at which the agent first stood on the target (−1 if never, even after the budget).</param>
public sealed record RetargetOutcome(int LevelNumber, int TargetCell, int Distance, int Budget, bool Reached, int StepsToTarget);

/// <summary>
/// Retargeting: edit the activations that encode the goal location so the agent heads for an arbitrary cell,
/// then measure whether it gets there within a step budget, and how likely the shortest path to each cell is.
/// </summary>
public static class Retargeting
{
    /// <summary>
    /// Rolls out every (level, target) pair with <paramref name="edit"/> moving the encoded goal from
    /// <paramref name="sourceGoal"/>(level) to the target (no edit when null). Success = the agent stands on the target within
    /// <paramref name="budgetFactor"/> × its shortest-path distance from the start. An episode ends on the target, at the
    /// world's own end (the base objective reached) or when the level's budget is spent, so an edit that merely stops the
    /// agent from finishing cannot make up for it by wandering.
    /// </summary>
    public static RetargetOutcome[] Run(InspectableNetwork network, Split split, IReadOnlyList<Level> levels, IReadOnlyList<int> targets,
        IGoalEdit? edit, Func<Level, int> sourceGoal, double strength, double budgetFactor, RolloutSettings settings)
    {
        if (targets.Count != levels.Count) throw new ArgumentException("one target per level is required.", nameof(targets));
        if (!(budgetFactor >= 1)) throw new ArgumentOutOfRangeException(nameof(budgetFactor), "the step budget must be at least the shortest path (factor ≥ 1).");
        var distances = levels.Select((l, i) => Bfs.DistancesTo(l, [targets[i]])[l.Start]).ToArray();
        var budgets = distances.Select(d => d == Bfs.Unreachable ? 0 : (int)Math.Floor(budgetFactor * d)).ToArray();
        int cw = edit?.CanvasWidth ?? settings.CanvasWidth, ch = edit?.CanvasHeight ?? settings.CanvasHeight;
        var progress = new RolloutProgress();
        RolloutEpisode[] episodes;
        var rows = levels.Select((l, i) => (
            From: ObservationBuilder.CanvasPosition(l, sourceGoal(l), cw, ch),
            To: ObservationBuilder.CanvasPosition(l, targets[i], cw, ch))).ToList();
        using (edit is null || cw == 0 ? null : ActivationPatch.ApplyAll(network, edit.Patches(rows, strength), () => progress.Rows))
            episodes = NetworkRollout.Run(network, split, levels, settings with
            {
                CanvasWidth = cw, CanvasHeight = ch, TargetCells = targets, Budgets = budgets,
            }, progress);
        return [.. levels.Select((l, i) =>
        {
            int first = episodes[i].FirstVisit[targets[i]];
            return new RetargetOutcome(i, targets[i], distances[i], budgets[i], first >= 0 && first <= budgets[i], first);
        })];
    }

    /// <summary>
    /// For every cell of <paramref name="level"/>: the geometric mean of the (edited) policy's probabilities of the moves
    /// along the shortest path from the start to that cell, with the goal edit aimed at that cell
    /// (no edit when <paramref name="edit"/> is null). NaN at the start cell.
    /// </summary>
    public static double[] ShortestPathProbability(InspectableNetwork network, Split split, Level level, IGoalEdit? edit,
        Func<Level, int> sourceGoal, double strength, int canvasWidth, int canvasHeight)
    {
        var result = new double[level.CellCount];
        var states = new List<(Level, int)>();
        var moves = new List<Move>();
        var owner = new List<int>();
        var pairs = new List<((int, int), (int, int))>();
        var from = ObservationBuilder.CanvasPosition(level, sourceGoal(level), canvasWidth, canvasHeight);
        for (int t = 0; t < level.CellCount; t++)
        {
            result[t] = double.NaN;
            if (t == level.Start) continue;
            var (cells, path) = Bfs.ShortestPath(level, level.Start, t);
            var to = ObservationBuilder.CanvasPosition(level, t, canvasWidth, canvasHeight);
            for (int s = 0; s < path.Length; s++)
            {
                states.Add((level, cells[s]));
                moves.Add(path[s]);
                owner.Add(t);
                pairs.Add((from, to));
            }
        }
        var logSum = new double[level.CellCount];
        var count = new int[level.CellCount];
        const int chunk = 512;
        for (int start = 0; start < states.Count; start += chunk)
        {
            int n = Math.Min(chunk, states.Count - start);
            using var scope = NewDisposeScope();
            var obs = ObservationBuilder.Build(split, states.GetRange(start, n), canvasWidth, canvasHeight);
            float[] probs;
            using (edit is null ? null : ActivationPatch.ApplyAll(network, edit.Patches(pairs.GetRange(start, n), strength)))
                probs = network.ActionProbabilities(obs).contiguous().data<float>().ToArray();
            for (int i = 0; i < n; i++)
            {
                int t = owner[start + i];
                logSum[t] += Math.Log(Math.Max(1e-12, probs[i * 4 + (int)moves[start + i]]));
                count[t]++;
            }
        }
        for (int t = 0; t < level.CellCount; t++)
            if (count[t] > 0) result[t] = Math.Exp(logSum[t] / count[t]);
        return result;
    }
}
