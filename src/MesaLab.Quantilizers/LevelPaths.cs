namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>Exact shortest-path quantities on one level: successor table, BFS distances, bed-weighted distances.</summary>
public static class LevelPaths
{
    public const int Unreachable = Bfs.Unreachable;

    /// <summary>The cell reached by each (cell, move): <c>next[cell * 4 + move]</c> (the cell itself when a wall blocks).</summary>
    public static int[] Successors(Level level)
    {
        var next = new int[level.CellCount * Moves.Count];
        for (int c = 0; c < level.CellCount; c++)
            for (int a = 0; a < Moves.Count; a++) next[c * Moves.Count + a] = level.Neighbor(c, (Move)a);
        return next;
    }

    /// <summary>Steps from every cell to the nearest of <paramref name="targets"/> (<see cref="Bfs"/>: moves are reversible, so one search from the targets).</summary>
    public static int[] DistancesTo(Level level, IEnumerable<int> targets)
    {
        var dist = new int[level.CellCount];
        Bfs.Distances(level, [.. targets], dist, new int[level.CellCount]);
        return dist;
    }

    /// <summary>
    /// Cost-to-go to the targets when each entry into a marked cell costs <paramref name="markedPenalty"/>
    /// extra steps (Dijkstra on the reversed graph): how a careful walker ranks routes around flower beds.
    /// </summary>
    public static double[] CarefulCostTo(Level level, IEnumerable<int> targets, double markedPenalty)
    {
        int n = level.CellCount;
        var cost = new double[n];
        Array.Fill(cost, double.PositiveInfinity);
        var pq = new PriorityQueue<int, double>();
        foreach (var t in targets) { cost[t] = 0; pq.Enqueue(t, 0); }
        while (pq.TryDequeue(out int c, out double d))
        {
            if (d > cost[c]) continue;
            // Predecessor p moves into c: paying 1 step plus the bed penalty if c is marked.
            double enter = 1 + ((level.Objects[c] & CellObject.Marked) != 0 ? markedPenalty : 0);
            for (int a = 0; a < Moves.Count; a++)
            {
                int p = level.Neighbor(c, (Move)a);
                if (p == c) continue;
                double nd = d + enter;
                if (nd < cost[p]) { cost[p] = nd; pq.Enqueue(p, nd); }
            }
        }
        return cost;
    }

    /// <summary>The goal cells of a reach candidate on a level.</summary>
    public static int[] Goals(Level level, CandidateObjective goal)
    {
        var cells = new List<int>();
        for (int c = 0; c < level.CellCount; c++) if (goal.IsGoal(level, c)) cells.Add(c);
        return [.. cells];
    }
}
