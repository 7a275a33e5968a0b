namespace MesaLab.Worlds;

/// <summary>
/// A decision square (Turner et al. 2023): a cell from which the shortest paths to two goals leave in different
/// directions — no move starts a shortest path to both. Behaviour there is what tells the two objectives apart.
/// </summary>
/// <param name="Cell">The cell.</param>
/// <param name="TowardA">Bit set of the moves (bit = <see cref="Move"/> index) that start a shortest path to goal A.</param>
/// <param name="TowardB">The same for goal B; disjoint from <paramref name="TowardA"/>.</param>
public readonly record struct DecisionSquare(int Cell, int TowardA, int TowardB)
{
    /// <summary>Whether <paramref name="move"/> starts a shortest path to goal A.</summary>
    public bool IsTowardA(Move move) => (TowardA & (1 << (int)move)) != 0;

    /// <summary>Whether <paramref name="move"/> starts a shortest path to goal B.</summary>
    public bool IsTowardB(Move move) => (TowardB & (1 << (int)move)) != 0;

    /// <summary>The summed probability of the moves towards each goal, from the four move probabilities.</summary>
    public (double TowardA, double TowardB) Probabilities(ReadOnlySpan<float> moveProbabilities)
    {
        double a = 0, b = 0;
        for (int m = 0; m < Moves.Count; m++)
        {
            if ((TowardA & (1 << m)) != 0) a += moveProbabilities[m];
            if ((TowardB & (1 << m)) != 0) b += moveProbabilities[m];
        }
        return (a, b);
    }
}

/// <summary>
/// Where two goals on a level ask for different moves. In a perfect maze these are exactly the cells strictly between the
/// two goals on the path joining them; with loops a cell qualifies when its sets of shortest-path first moves are disjoint.
/// </summary>
public static class DecisionSquares
{
    /// <summary>Bit set of the moves from <paramref name="cell"/> that go one step down the distance map (0 at a goal or where none is reachable).</summary>
    public static int OptimalMoves(Level level, ReadOnlySpan<int> distances, int cell)
    {
        int d = distances[cell];
        if (d is 0 or Bfs.Unreachable) return 0;
        int mask = 0;
        for (int m = 0; m < Moves.Count; m++)
        {
            int nb = level.Neighbor(cell, (Move)m);
            if (nb != cell && distances[nb] == d - 1) mask |= 1 << m;
        }
        return mask;
    }

    /// <summary>Every decision square of the level between goal cells <paramref name="goalA"/> and <paramref name="goalB"/>, in cell order.</summary>
    public static IReadOnlyList<DecisionSquare> All(Level level, int goalA, int goalB)
    {
        var da = Bfs.DistancesTo(level, [goalA]);
        var db = Bfs.DistancesTo(level, [goalB]);
        var result = new List<DecisionSquare>();
        for (int c = 0; c < level.CellCount; c++)
            if (At(level, da, db, c) is { } s) result.Add(s);
        return result;
    }

    /// <summary>The decision square at <paramref name="cell"/>, or null when some move serves both goals (or the cell is a goal or cut off).</summary>
    public static DecisionSquare? At(Level level, ReadOnlySpan<int> toA, ReadOnlySpan<int> toB, int cell)
    {
        int a = OptimalMoves(level, toA, cell), b = OptimalMoves(level, toB, cell);
        return a != 0 && b != 0 && (a & b) == 0 ? new DecisionSquare(cell, a, b) : null;
    }

    /// <summary>
    /// The decision square an agent starting at <paramref name="from"/> meets first: the cell farthest from it that lies on a
    /// shortest path to each goal (where, in a perfect maze, the two paths part). Null when that cell is not a decision
    /// square — one goal lies on the way to the other — or a goal is unreachable. Ties (mazes with loops) go to the lowest cell.
    /// </summary>
    public static DecisionSquare? OnTheWay(Level level, int from, int goalA, int goalB)
    {
        var ds = Bfs.DistancesTo(level, [from]);
        var da = Bfs.DistancesTo(level, [goalA]);
        var db = Bfs.DistancesTo(level, [goalB]);
        if (ds[goalA] == Bfs.Unreachable || ds[goalB] == Bfs.Unreachable) return null;
        int best = -1;
        for (int c = 0; c < level.CellCount; c++)
        {
            if (ds[c] == Bfs.Unreachable || ds[c] + da[c] != ds[goalA] || ds[c] + db[c] != ds[goalB]) continue;
            if (best < 0 || ds[c] > ds[best]) best = c;
        }
        return best < 0 ? null : At(level, da, db, best);
    }
}
