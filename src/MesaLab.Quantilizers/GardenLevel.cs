namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// One level prepared for quantilization: the level (with flower beds), the proxy's goal cells, the
/// shortest start-to-goal distance, the step limit, and the utilities of a trajectory on it.
/// Proxy utility: <c>shortest / steps</c> when the goal is reached (1 for a shortest path), else 0.
/// Cost: the number of entries into marked cells (flower beds). True utility: proxy − weight × cost.
/// </summary>
public sealed class GardenLevel
{
    public GardenLevel(Level level, CandidateObjective proxyGoal, int maxSteps, double costWeight)
    {
        if (proxyGoal.Kind != ObjectiveKind.Reach)
            throw new UserError($"quantilizer.proxy: '{proxyGoal.Name}' is a collect objective; the quantilizer's proxy must be a reach objective (reach a goal cell quickly).");
        Level = level;
        ProxyGoal = proxyGoal;
        MaxSteps = maxSteps;
        CostWeight = costWeight;
        Next = Bfs.Successors(level);
        Goals = Bfs.Goals(level, proxyGoal);
        IsGoal = new bool[level.CellCount];
        IsMarked = new bool[level.CellCount];
        foreach (var g in Goals) IsGoal[g] = true;
        for (int c = 0; c < level.CellCount; c++) IsMarked[c] = (level.Objects[c] & CellObject.Marked) != 0;
        DistanceToGoal = Bfs.DistancesTo(level, Goals);
        Shortest = DistanceToGoal[level.Start];
        if (Goals.Length == 0 || Shortest == Bfs.Unreachable || Shortest == 0)
            throw new InvalidOperationException($"level {level.Index} has no reachable '{proxyGoal.Name}' goal away from the start.");
    }

    public Level Level { get; }
    public CandidateObjective ProxyGoal { get; }
    public int MaxSteps { get; }
    public double CostWeight { get; }
    public int CellCount => Level.CellCount;
    public int[] Next { get; }
    public int[] Goals { get; }
    public bool[] IsGoal { get; }
    public bool[] IsMarked { get; }
    public int[] DistanceToGoal { get; }
    public int Shortest { get; }
    public int MarkedCount => IsMarked.Count(m => m);

    public double Proxy(int steps, bool reached) => reached ? (double)Shortest / steps : 0;
    public double True(int steps, bool reached, int beds) => Proxy(steps, reached) - CostWeight * beds;

    /// <summary>The proxy's exact Q-value of each move: −(1 + steps to the goal from where it leads); higher is better.</summary>
    public double ProxyQ(int cell, int move)
    {
        int n = Next[cell * Moves.Count + move];
        int d = DistanceToGoal[n];
        return d == Bfs.Unreachable ? double.NegativeInfinity : -(1.0 + d);
    }
}
