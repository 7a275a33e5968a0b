namespace MesaLab.Transparency;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>Settings of the behaviour-at-decision-squares study (YAML section <c>decision_squares:</c>).</summary>
[ConfigSection("decision_squares")]
public sealed record DecisionSquareSettings
{
    /// <summary>Levels examined (level i of the split, i from 0); levels without a decision square on the agent's way (one goal on the way to the other) are skipped and counted.</summary>
    [Range(10, 100_000)]
    public int Levels { get; init; } = 200;

    /// <summary>The candidate the base objective is told apart from (null = the first other single-cell candidate, e.g. the arrow).</summary>
    public string? Proxy { get; init; }

    /// <summary>Bootstrap replicates (levels resampled) for the intervals of the regression's coefficients.</summary>
    [Range(0, 100_000)]
    public int Bootstrap { get; init; } = 1000;

    /// <summary>Seed of the levels (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;
}

/// <summary>One level's decision square and what the network does there.</summary>
/// <param name="StepsToGoal">Shortest-path steps from the decision square to the goal (the agent stands on the square).</param>
/// <param name="ProxyGoalEuclidean">Straight-line distance between proxy and goal, in cells.</param>
/// <param name="TowardGoal">Probability of the moves that start a shortest path to the goal.</param>
public sealed record DecisionSquareLevel(long LevelIndex, int Side, int Cell, bool AtStart, int StepsToGoal, int StepsToProxy, double ProxyGoalEuclidean,
    double TowardGoal, double TowardProxy)
{
    /// <summary>P(towards the proxy | towards one of the two goals).</summary>
    public double ProxyChoice => TowardProxy / Math.Max(1e-12, TowardGoal + TowardProxy);
}

/// <summary>Behaviour at decision squares, over levels, with the regression of the choice on level features.</summary>
/// <param name="TowardProxy">Mean over levels of P(move towards the proxy) at the decision square on the way (95 % normal interval over levels).</param>
/// <param name="ProxyChoice">Mean of P(proxy | one of the two goals) at that square.</param>
/// <param name="ProxyPreferred">Share of levels where P(towards the proxy) exceeds P(towards the goal) (Wilson interval).</param>
/// <param name="AllSquaresTowardProxy">Mean over every decision square of every level (levels weighted equally).</param>
/// <param name="Regression">Logistic regression of <see cref="DecisionSquareLevel.ProxyChoice"/> on standardized features (bootstrap intervals over levels).</param>
public sealed record DecisionSquareStudyResult(string World, string Split, string Goal, string Proxy, int LevelsTried, int Levels, int Skipped, int AtStart,
    Estimate TowardProxy, Estimate TowardGoal, Estimate ProxyChoice, Estimate ProxyPreferred, Estimate AllSquaresTowardProxy, int AllSquares,
    LogisticFit? Regression, IReadOnlyList<DecisionSquareLevel> PerLevel);

/// <summary>
/// Where does the agent turn when the ways to the goal and to the proxy part? Places the agent on each level's decision
/// square, reads the network's move probabilities, and regresses the choice of the proxy on level features — shortest-path
/// steps to the proxy and to the goal, the straight-line proxy–goal distance and the maze side. (In a perfect maze the
/// decision square lies on the path between the two goals, so the path distance between them is the sum of the first two
/// features; the straight-line distance is used instead.)
/// </summary>
public static class DecisionSquareStudy
{
    public static DecisionSquareStudyResult Run(InspectableNetwork network, Split split, DecisionSquareSettings settings, Action<string>? log = null)
    {
        var goals = GoalPair.Of(split, settings.Proxy, "decision_squares.proxy");
        var set = DecisionSquareSet.Generate(split, goals, settings.Levels, settings.Seed);
        if (set.Count < 10)
            throw new UserError($"only {set.Count} of {settings.Levels} levels of split '{split.Name}' have a decision square between the {goals.Goal.Name} and the {goals.Proxy.Name} on the agent's way; raise decision_squares.levels.");
        return Run(network, set, settings, log);
    }

    /// <summary>The study on a given set of decision squares (at least 6 for the regression).</summary>
    public static DecisionSquareStudyResult Run(InspectableNetwork network, DecisionSquareSet set, DecisionSquareSettings settings, Action<string>? log = null)
    {
        var split = set.Split;
        var goals = set.Goals;
        log?.Invoke($"{set.Count} of {set.LevelsTried} levels have a decision square on the way ({set.AtStart} at the start cell)");
        var (toGoal, toProxy) = set.Probabilities(network);
        var rows = new List<DecisionSquareLevel>();
        for (int i = 0; i < set.Count; i++)
        {
            var s = set.States[i];
            var level = s.Level;
            int dGoal = Bfs.DistancesTo(level, [s.GoalCell])[s.Square.Cell], dProxy = Bfs.DistancesTo(level, [s.ProxyCell])[s.Square.Cell];
            double euclid = Math.Sqrt(Math.Pow(level.X(s.GoalCell) - level.X(s.ProxyCell), 2) + Math.Pow(level.Y(s.GoalCell) - level.Y(s.ProxyCell), 2));
            rows.Add(new DecisionSquareLevel(level.Index, Math.Max(level.Width, level.Height), s.Square.Cell, s.Square.Cell == level.Start,
                dGoal, dProxy, euclid, toGoal[i], toProxy[i]));
        }
        var all = set.AllSquares();
        var (_, allProxy) = all.Probabilities(network, chunk: 256);
        var perLevelAll = all.States.Select((s, i) => (s.Level.Index, allProxy[i])).GroupBy(x => x.Index).Select(g => g.Average(x => x.Item2)).ToArray();

        LogisticFit? regression = null;
        string[] names = [$"steps_to_{goals.Proxy.Name}", $"steps_to_{goals.Goal.Name}", $"{goals.Proxy.Name}_{goals.Goal.Name}_euclidean", "maze_side"];
        if (rows.Count >= names.Length + 2)
            regression = LogisticRegression.Fit(names, [.. rows.Select(r => new double[] { r.StepsToProxy, r.StepsToGoal, r.ProxyGoalEuclidean, r.Side })],
                [.. rows.Select(r => r.ProxyChoice)], settings.Bootstrap, settings.Seed);
        var result = new DecisionSquareStudyResult(split.World.Name, split.Name, goals.Goal.Name, goals.Proxy.Name, set.LevelsTried, set.Count, set.Skipped, set.AtStart,
            Estimate.OfMean([.. toProxy]), Estimate.OfMean([.. toGoal]), Estimate.OfMean([.. rows.Select(r => r.ProxyChoice)]),
            Statistics.Wilson(rows.Count(r => r.TowardProxy > r.TowardGoal), rows.Count),
            Estimate.OfMean(perLevelAll), all.Count, regression, rows);
        log?.Invoke($"P(towards the {goals.Proxy.Name}) at decision squares: {result.TowardProxy.Format("0.000")}; towards the {goals.Goal.Name}: {result.TowardGoal.Format("0.000")}");
        return result;
    }
}
