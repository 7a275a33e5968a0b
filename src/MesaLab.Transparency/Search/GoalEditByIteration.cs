namespace MesaLab.Transparency;

using MesaLab.Learning;
using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>Where the agent went when the goal was moved from iteration <see cref="FromIteration"/> on.</summary>
/// <param name="Fraction">When the goal was moved, as a fraction of K (0: before the first iteration; 1: never).</param>
/// <param name="FromIteration">round(Fraction × K) on the rollout canvas.</param>
/// <param name="TargetFirst">Share of levels on which the agent reached the new goal cell before the old one.</param>
/// <param name="GoalFirst">Share on which it reached the old goal (where the world still ends the episode) first.</param>
public sealed record GoalEditPoint(double Fraction, int FromIteration, int Episodes, Estimate TargetFirst, Estimate GoalFirst, Estimate Neither);

/// <summary>The goal edit by iteration for one network.</summary>
/// <param name="Iterations">K on the rollout canvas (scale 1).</param>
public sealed record GoalEditResult(string Network, string Split, string Goal, int Iterations, IReadOnlyList<GoalEditPoint> Points, int LevelsSkipped);

/// <summary>
/// Editing the goal's representation mid-iteration (ties to retargeting). The tied block re-reads its input at every
/// iteration; from iteration j on it is given the observation with the goal's objects swapped onto a target cell — a cell
/// off the way to the goal, and with the goal off the way to it — while what it computed up to j is kept. At every step of
/// the rollout the network runs the same edit. If the network searches from the goal it reads, moving the goal early
/// (j small) sends the agent to the target and moving it late leaves it on its way to the old goal; where the curve turns
/// says how many iterations the network needs to re-plan. j = 0 is the goal edited in the input; j = K is no edit.
/// </summary>
public static class GoalEditByIteration
{
    public static GoalEditResult Run(IterativeNetwork network, Split inspectionSplit, LearnedSearchSettings settings, Action<string>? log = null,
        CancellationToken cancel = default)
    {
        if (!network.HasIterations)
            throw new UserError($"{network.Name} is a '{network.Kind}' network with no tied block; the goal edit by iteration needs network.kind maze or thinking.");
        var world = inspectionSplit.World;
        var split = SingleGoal(inspectionSplit);
        var goal = world.BaseObjective(split);
        var generator = world.CreateGenerator(split);
        int cw = generator.MaxWidth, ch = generator.MaxHeight;
        var rng = new Rng(settings.Seed ^ 0x60A1_ED17UL);
        var levels = new List<Level>();
        var targets = new List<int>();
        int skipped = 0;
        for (int i = 0; i < settings.EditLevels; i++)
        {
            var level = generator.Generate(settings.Seed, i);
            int t = PickTarget(level, SearchLikeness.FindGoal(level, goal), ref rng);
            if (t < 0) { skipped++; continue; }
            levels.Add(level);
            targets.Add(t);
        }
        if (levels.Count == 0) throw new UserError($"no level of split '{split.Name}' has a cell off the way to its {goal.Name}; use bigger mazes.");
        int k = network.Iterations(ch, cw);
        var swaps = levels.Select((l, i) => (Goal: ObservationBuilder.CanvasPosition(l, SearchLikeness.FindGoal(l, goal), cw, ch),
            Target: ObservationBuilder.CanvasPosition(l, targets[i], cw, ch))).ToArray();
        int firstObject = World.CommonChannels.Count, objects = world.ObjectChannels.Count;
        var points = new List<GoalEditPoint>();
        foreach (double f in settings.EditFractions)
        {
            cancel.ThrowIfCancellationRequested();
            int from = (int)Math.Round(f * k, MidpointRounding.AwayFromZero);
            var progress = new RolloutProgress();
            RolloutEpisode[] episodes;
            network.SetInputEdit(from >= k ? null : new IterationInputEdit(from, x => SwapObjects(x, progress.Rows, swaps, firstObject, objects)));
            try
            {
                episodes = NetworkRollout.Run(network.Network, split, levels, new RolloutSettings
                {
                    Greedy = settings.Greedy, Seed = settings.Seed, CanvasWidth = cw, CanvasHeight = ch, TargetCells = targets,
                }, progress, cancel);
            }
            finally
            {
                network.SetInputEdit(null);
            }
            int target = 0, old = 0;
            for (int i = 0; i < levels.Count; i++)
            {
                if (episodes[i].FirstVisit[targets[i]] >= 0) target++;
                else if ((episodes[i].Events & goal.Event) != 0) old++;
            }
            var point = new GoalEditPoint(f, from, levels.Count, Statistics.Wilson(target, levels.Count), Statistics.Wilson(old, levels.Count),
                Statistics.Wilson(levels.Count - target - old, levels.Count));
            points.Add(point);
            log?.Invoke($"{network.Name}: goal moved from iteration {from} of {k}: target first {point.TargetFirst.Format()}, old goal first {point.GoalFirst.Format()}");
        }
        return new GoalEditResult(network.Name, split.Name, goal.Name, k, points, skipped);
    }

    /// <summary>The split with the arrow on the exit (one goal), when the world has an arrow.</summary>
    public static Split SingleGoal(Split split) =>
        split.World.Parameter("arrow") is null ? split
            : split.With(new Dictionary<string, object> { ["arrow"] = "on_exit", ["randomized_fraction"] = 0.0 }, "learned_search goal edit", $"{split.Name}-single-goal");

    /// <summary>
    /// A uniformly random cell reachable from the start, other than the start and the goal, that does not lie on the way from
    /// the start to the goal and whose own way does not pass the goal; −1 when there is none.
    /// </summary>
    public static int PickTarget(Level level, int goal, ref Rng rng)
    {
        var fromStart = Bfs.DistancesTo(level, [level.Start]);
        var fromGoal = Bfs.DistancesTo(level, [goal]);
        var eligible = new List<int>();
        for (int c = 0; c < level.CellCount; c++)
        {
            if (c == level.Start || c == goal || fromStart[c] == Bfs.Unreachable) continue;
            bool onWayToGoal = fromStart[c] + fromGoal[c] == fromStart[goal];
            bool goalOnWay = fromStart[goal] + fromGoal[c] == fromStart[c];
            if (!onWayToGoal && !goalOnWay) eligible.Add(c);
        }
        return eligible.Count == 0 ? -1 : eligible[rng.Next(eligible.Count)];
    }

    /// <summary>The observations with every object channel of the goal cell and the target cell swapped, per running row.</summary>
    private static Tensor SwapObjects(Tensor x, int[] rows, (( int X, int Y) Goal, (int X, int Y) Target)[] swaps, int firstObject, int objects)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        if (rows.Length != n) throw new InvalidOperationException($"the goal edit knows {rows.Length} running rows but the batch has {n}.");
        var data = x.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        for (int r = 0; r < n; r++)
        {
            var (g, t) = swaps[rows[r]];
            for (int k = firstObject; k < firstObject + objects; k++)
            {
                long gi = ((r * c + k) * h + g.Y) * w + g.X, ti = ((r * c + k) * h + t.Y) * w + t.X;
                (data[gi], data[ti]) = (data[ti], data[gi]);
            }
        }
        return tensor(data, [n, c, h, w]).to(x.dtype);
    }
}
