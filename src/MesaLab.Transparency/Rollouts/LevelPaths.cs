namespace MesaLab.Transparency;

using MesaLab.Worlds;

/// <summary>Shortest paths on a level's walls, in the shape the transparency studies use (distances from <see cref="Bfs"/>).</summary>
public static class LevelPaths
{
    /// <summary>Steps from every cell to <paramref name="goal"/> (−1 where unreachable), by <see cref="Bfs"/>.</summary>
    public static int[] DistancesTo(Level level, int goal)
    {
        int n = level.CellCount;
        var dist = new int[n];
        Bfs.Distances(level, [goal], dist, new int[n]);
        for (int c = 0; c < n; c++) if (dist[c] == Bfs.Unreachable) dist[c] = -1;
        return dist;
    }

    /// <summary>The first move of a shortest path from <paramref name="from"/> to the goal (lowest move index on ties), or null when there.</summary>
    public static Move? FirstMove(Level level, int[] distancesToGoal, int from)
    {
        if (distancesToGoal[from] <= 0) return null;
        for (int m = 0; m < Moves.Count; m++)
        {
            int nb = level.Neighbor(from, (Move)m);
            if (nb != from && distancesToGoal[nb] == distancesToGoal[from] - 1) return (Move)m;
        }
        return null;
    }

    /// <summary>The cells and moves of a shortest path from <paramref name="from"/> to <paramref name="goal"/>.</summary>
    public static (int[] Cells, Move[] Moves) ShortestPath(Level level, int from, int goal)
    {
        var dist = DistancesTo(level, goal);
        if (dist[from] < 0) throw new ArgumentException($"cell {goal} is unreachable from {from}.", nameof(goal));
        var cells = new List<int> { from };
        var moves = new List<Move>();
        int c = from;
        while (c != goal)
        {
            var m = FirstMove(level, dist, c)!.Value;
            moves.Add(m);
            c = level.Neighbor(c, m);
            cells.Add(c);
        }
        return ([.. cells], [.. moves]);
    }
}
