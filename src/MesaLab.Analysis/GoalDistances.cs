namespace MesaLab.Analysis;

using MesaLab.Worlds;

/// <summary>
/// Breadth-first distances on a level, as analysis needs them: to a set of goal cells (walls are symmetric,
/// so one search from the goals gives every cell's distance to the nearest one), never passing through
/// lava unless lava is the goal. The same rules as the scripted agents' search.
/// </summary>
public static class GoalDistances
{
    public const int Unreachable = int.MaxValue;

    /// <summary>Distance from every cell to the nearest cell where <paramref name="goal"/> is true.</summary>
    public static int[] To(Level level, ReadOnlySpan<bool> goal, ReadOnlySpan<CellObject> objects, CellObject avoid)
    {
        int n = level.CellCount;
        var d = new int[n];
        var queue = new int[n];
        Array.Fill(d, Unreachable);
        int head = 0, tail = 0;
        for (int c = 0; c < n; c++) if (goal[c]) { d[c] = 0; queue[tail++] = c; }
        while (head < tail)
        {
            int c = queue[head++];
            for (int m = 0; m < Moves.Count; m++)
            {
                int nb = level.Neighbor(c, (Move)m);
                if (nb == c || d[nb] != Unreachable) continue;
                if (avoid != CellObject.None && (objects[nb] & avoid) != 0) continue;
                d[nb] = d[c] + 1;
                queue[tail++] = nb;
            }
        }
        return d;
    }

    /// <summary>Goal cells of a candidate given the live objects (for chests without a key in hand: the keys, a necessary subgoal).</summary>
    public static bool[] GoalCells(Level level, CandidateObjective candidate, ReadOnlySpan<CellObject> objects, int keysHeld = 0)
    {
        var g = new bool[level.CellCount];
        var target = candidate.Object == CellObject.Chest && keysHeld == 0 ? CellObject.Key : candidate.Object;
        for (int c = 0; c < g.Length; c++)
            g[c] = candidate.Object == CellObject.None ? c == level.Corner : (objects[c] & target) != 0;
        return g;
    }

    public static CellObject AvoidFor(CandidateObjective candidate) => candidate.Object == CellObject.Lava ? CellObject.None : CellObject.Lava;

    /// <summary>
    /// Fewest moves from the start to first achieve <paramref name="candidate"/> on the initial level; for chests,
    /// through a key to a chest. <see cref="Unreachable"/> if impossible.
    /// </summary>
    public static int ShortestPathLength(Level level, CandidateObjective candidate)
    {
        var objects = level.Objects.AsSpan(0, level.CellCount);
        var avoid = AvoidFor(candidate);
        if (candidate.Object == CellObject.Chest)
        {
            var toChest = To(level, GoalCells(level, candidate, objects, keysHeld: 1), objects, avoid);
            var start = new bool[level.CellCount];
            start[level.Start] = true;
            var fromStart = To(level, start, objects, avoid);
            long best = Unreachable;
            for (int c = 0; c < level.CellCount; c++)
                if ((objects[c] & CellObject.Key) != 0 && fromStart[c] != Unreachable && toChest[c] != Unreachable)
                    best = Math.Min(best, (long)fromStart[c] + toChest[c]);
            return (int)best;
        }
        return To(level, GoalCells(level, candidate, objects), objects, avoid)[level.Start];
    }
}
