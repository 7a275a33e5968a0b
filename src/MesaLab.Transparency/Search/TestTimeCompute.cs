namespace MesaLab.Transparency;

using MesaLab.Worlds;

/// <summary>One cell of the test-time compute curve: a maze side at one iteration scale.</summary>
/// <param name="Iterations">Iterations the tied block ran on this side's canvas (0 for networks without one).</param>
/// <param name="Success">Share of levels on which the goal was reached, with its 95 % Wilson interval.</param>
/// <param name="Efficiency">Mean over the successful levels of shortest distance / steps taken (1 = optimal; NaN when none succeeded).</param>
/// <param name="Steps">Per level: steps taken to reach the goal, −1 when it was not reached.</param>
/// <param name="Distances">Per level: the shortest-path distance from the start to the goal.</param>
public sealed record ComputePoint(double Scale, int Size, int Iterations, int Episodes, Estimate Success, double Efficiency, IReadOnlyList<int> Steps, IReadOnlyList<int> Distances)
{
    /// <summary>Per level: 1 when solved, 0 otherwise (for intervals pooled over seeds).</summary>
    public IEnumerable<double> Solved => Steps.Select(s => s >= 0 ? 1.0 : 0.0);

    /// <summary>Per solved level: distance / steps.</summary>
    public IEnumerable<double> Efficiencies => Steps.Zip(Distances).Where(p => p.First >= 0).Select(p => p.Second / (double)Math.Max(1, p.First));
}

/// <summary>Success and path efficiency by maze side and iteration scale for one network.</summary>
/// <param name="Kind">The network kind (<c>thinking</c>, <c>maze</c>, <c>impala</c>, …).</param>
/// <param name="Goal">The base objective the levels reward (the arrow sits on it).</param>
public sealed record TestTimeComputeResult(string Network, string Kind, string World, string Goal, IReadOnlyList<ComputePoint> Points, IReadOnlyList<string> Skipped)
{
    public IEnumerable<double> ScalesRun => Points.Select(p => p.Scale).Distinct();
}

/// <summary>
/// Test-time compute: does thinking longer solve bigger mazes? The network runs on square mazes of growing side (the
/// arrow on the exit, so the base objective is the only goal) with its tied block iterated K × scale times for each scale,
/// where K is what training used on that canvas. Networks without a tied block run once (scale 1). The same levels and
/// sampling seed serve every scale, so differences between scales come from the iterations alone.
/// </summary>
public static class TestTimeCompute
{
    public static TestTimeComputeResult Run(IterativeNetwork network, Split deploySplit, LearnedSearchSettings settings, Action<string>? log = null,
        CancellationToken cancel = default)
    {
        var world = deploySplit.World;
        var goal = world.BaseObjective(deploySplit);
        var scales = network.HasIterations ? settings.Scales : [1.0];
        var points = new List<ComputePoint>();
        var skipped = new List<string>();
        double original = network.IterationScale;
        try
        {
            foreach (int size in settings.Sizes)
            {
                Split split;
                try { split = SearchLikeness.SingleGoalSplit(deploySplit, size, "learned_search.sizes"); }
                catch (UserError e) { skipped.Add($"size {size}: {e.Message}"); continue; }
                var generator = world.CreateGenerator(split);
                var levels = Enumerable.Range(0, settings.LevelsPerSize).Select(i => generator.Generate(settings.Seed, i)).ToList();
                var distances = levels.Select(l => Bfs.DistancesTo(l, [SearchLikeness.FindGoal(l, goal)])[l.Start]).ToArray();
                foreach (double scale in scales)
                {
                    cancel.ThrowIfCancellationRequested();
                    network.IterationScale = scale;
                    var episodes = NetworkRollout.Run(network.Network, split, levels, new RolloutSettings { Greedy = settings.Greedy, Seed = settings.Seed }, cancel: cancel);
                    var steps = episodes.Select(e => (e.Events & goal.Event) != 0 ? e.Length : -1).ToArray();
                    int solved = steps.Count(s => s >= 0);
                    double efficiency = solved == 0 ? double.NaN
                        : steps.Zip(distances).Where(p => p.First >= 0).Average(p => p.Second / (double)Math.Max(1, p.First));
                    var point = new ComputePoint(scale, size, network.Iterations(size, size), levels.Count, Statistics.Wilson(solved, levels.Count), efficiency, steps, distances);
                    points.Add(point);
                    log?.Invoke($"{network.Name}: side {size}, {point.Iterations} iterations (×{scale:0.##}): success {point.Success.Format("0.00")}, efficiency {efficiency:0.00}");
                }
            }
        }
        finally
        {
            network.IterationScale = original;
        }
        return new TestTimeComputeResult(network.Name, network.Kind, world.Name, goal.Name, points, skipped);
    }
}
