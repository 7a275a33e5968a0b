namespace MesaLab.Worlds;

/// <summary>
/// Exact shortest paths on a level by breadth-first search. Walls are symmetric, so one search from a set of
/// goal cells gives every cell's distance <em>to</em> the nearest goal (a distance map); scripted agents
/// follow it downhill, and analysis uses it to judge how efficiently a candidate objective was reached.
/// The span overloads allocate nothing: callers own the distance and queue buffers (length ≥ cell count).
/// </summary>
public static class Bfs
{
    /// <summary>Distance of a cell from which no goal can be reached.</summary>
    public const int Unreachable = int.MaxValue;

    /// <summary>
    /// Fills <paramref name="distance"/> with each cell's number of moves to the nearest cell of
    /// <paramref name="goals"/>. Cells holding any object in <paramref name="avoid"/> (per
    /// <paramref name="objects"/>; typically lava) are never passed through, though a goal cell may hold one.
    /// </summary>
    /// <returns>The number of cells from which a goal is reachable.</returns>
    public static int Distances(Level level, ReadOnlySpan<int> goals, Span<int> distance, Span<int> queue,
        ReadOnlySpan<CellObject> objects = default, CellObject avoid = CellObject.None)
    {
        int n = level.CellCount;
        CheckBuffers(n, distance, queue);
        distance[..n].Fill(Unreachable);
        int head = 0, tail = 0;
        foreach (int g in goals)
        {
            if (distance[g] == 0) continue;
            distance[g] = 0;
            queue[tail++] = g;
        }
        return Search(level, distance, queue, head, tail, objects, avoid);
    }

    /// <summary>Each cell's number of moves to the nearest of <paramref name="goals"/>, in a new array (<see cref="Unreachable"/> where none can be reached).</summary>
    public static int[] DistancesTo(Level level, IEnumerable<int> goals)
    {
        var distance = new int[level.CellCount];
        Distances(level, [.. goals], distance, new int[level.CellCount]);
        return distance;
    }

    /// <summary>The goal cells of a candidate objective on the level as generated.</summary>
    public static int[] Goals(Level level, CandidateObjective candidate)
    {
        var cells = new List<int>();
        for (int c = 0; c < level.CellCount; c++) if (candidate.IsGoal(level, c)) cells.Add(c);
        return [.. cells];
    }

    /// <summary>The cell reached by each (cell, move): <c>next[cell * 4 + move]</c> (the cell itself when a wall blocks).</summary>
    public static int[] Successors(Level level)
    {
        var next = new int[level.CellCount * Moves.Count];
        for (int c = 0; c < level.CellCount; c++)
            for (int a = 0; a < Moves.Count; a++) next[c * Moves.Count + a] = level.Neighbor(c, (Move)a);
        return next;
    }

    /// <summary>The first move of a shortest path from <paramref name="from"/> down a distance map (lowest move index on ties), or null at a goal or where none is reachable.</summary>
    public static Move? FirstMove(Level level, ReadOnlySpan<int> distances, int from)
    {
        if (distances[from] is 0 or Unreachable) return null;
        for (int m = 0; m < Moves.Count; m++)
        {
            int nb = level.Neighbor(from, (Move)m);
            if (nb != from && distances[nb] == distances[from] - 1) return (Move)m;
        }
        return null;
    }

    /// <summary>The cells (from first) and moves of a shortest path from <paramref name="from"/> to <paramref name="goal"/>.</summary>
    public static (int[] Cells, Move[] Moves) ShortestPath(Level level, int from, int goal)
    {
        var distances = DistancesTo(level, [goal]);
        if (distances[from] == Unreachable) throw new ArgumentException($"cell {goal} is unreachable from {from}.", nameof(goal));
        var cells = new List<int> { from };
        var moves = new List<Move>();
        for (int c = from; c != goal;)
        {
            var m = FirstMove(level, distances, c)!.Value;
            moves.Add(m);
            c = level.Neighbor(c, m);
            cells.Add(c);
        }
        return ([.. cells], [.. moves]);
    }

    /// <summary>
    /// Same as <see cref="Distances"/> with the goal cells being those of <paramref name="objects"/> that hold
    /// any of <paramref name="target"/> (for the corner candidate, pass <see cref="CellObject.None"/> and use the
    /// <see cref="Distances"/> overload with the corner cell instead).
    /// </summary>
    public static int DistancesToObject(Level level, ReadOnlySpan<CellObject> objects, CellObject target, Span<int> distance,
        Span<int> queue, CellObject avoid = CellObject.None)
    {
        int n = level.CellCount;
        CheckBuffers(n, distance, queue);
        distance[..n].Fill(Unreachable);
        int tail = 0;
        for (int c = 0; c < n; c++)
            if ((objects[c] & target) != 0) { distance[c] = 0; queue[tail++] = c; }
        return Search(level, distance, queue, 0, tail, objects, avoid);
    }

    /// <summary>
    /// Distance map to the goal cells of a candidate objective given the live objects, avoiding lava unless
    /// the candidate is lava. Cells with no path get <see cref="Unreachable"/>.
    /// </summary>
    public static int DistancesToCandidate(Level level, ReadOnlySpan<CellObject> objects, CandidateObjective candidate,
        Span<int> distance, Span<int> queue)
    {
        var avoid = AvoidFor(candidate);
        if (candidate.Object == CellObject.None)
        {
            Span<int> corner = [level.Corner];
            return Distances(level, corner, distance, queue, objects, avoid);
        }
        return DistancesToObject(level, objects, candidate.Object, distance, queue, avoid);
    }

    /// <summary>What a competent agent pursuing <paramref name="candidate"/> never steps on: lava, unless lava is the goal.</summary>
    public static CellObject AvoidFor(CandidateObjective candidate) => candidate.Object == CellObject.Lava ? CellObject.None : CellObject.Lava;

    /// <summary>
    /// The fewest moves from the level's start to first achieve <paramref name="candidate"/> in its initial
    /// state, or <see cref="Unreachable"/>. For <c>chests</c> this is a path through a key to a chest (a chest
    /// opens only with a key); for other collect candidates it is the nearest object. Allocates; not for step paths.
    /// </summary>
    public static int ShortestPathLength(Level level, CandidateObjective candidate) => ShortestPathLength(level, level.Objects, level.Start, candidate);

    /// <summary>
    /// Same, from any cell, object state and number of keys held (0 when <paramref name="from"/> is itself a goal
    /// cell). Allocates its maps; code that needs many lengths should use the span overloads instead.
    /// </summary>
    public static int ShortestPathLength(Level level, ReadOnlySpan<CellObject> objects, int from, CandidateObjective candidate, int keysHeld = 0)
    {
        int n = level.CellCount;
        var distance = new int[n];
        if (candidate.Object == CellObject.Chest && keysHeld == 0)
        {
            var withoutKey = new int[n];
            ChestDistances(level, objects, distance, withoutKey, new int[2 * n]);
            return withoutKey[from];
        }
        DistancesToCandidate(level, objects, candidate, distance, new int[n]);
        return distance[from];
    }

    /// <summary>
    /// Distance maps for opening a chest, which needs a key: <paramref name="withKey"/> gets each cell's
    /// distance to the nearest chest (for an agent holding a key), <paramref name="withoutKey"/> the length of
    /// the shortest path that first enters a key cell and then a chest (for an agent holding none). Exact: one
    /// breadth-first search backwards over (cell, holds a key) states. Lava is never passed through.
    /// <paramref name="queue"/> needs twice the cell count.
    /// </summary>
    public static void ChestDistances(Level level, ReadOnlySpan<CellObject> objects, Span<int> withKey, Span<int> withoutKey, Span<int> queue)
    {
        int n = level.CellCount;
        CheckBuffers(n, withKey, withoutKey);
        if (queue.Length < 2 * n) throw new ArgumentException($"the queue needs at least {2 * n} entries (twice the cell count).", nameof(queue));
        withKey[..n].Fill(Unreachable);
        withoutKey[..n].Fill(Unreachable);
        int head = 0, tail = 0, w = level.Width;
        var walls = level.Walls;
        for (int c = 0; c < n; c++)
            if ((objects[c] & CellObject.Chest) != 0) { withKey[c] = 0; queue[tail++] = c; }
        // State s < n: cell s holding a key; s ≥ n: cell s − n holding none. We search backwards from the goals.
        while (head < tail)
        {
            int s = queue[head++];
            bool holding = s < n;
            int x = holding ? s : s - n;
            int d = (holding ? withKey[x] : withoutKey[x]) + 1;
            bool xIsKey = (objects[x] & CellObject.Key) != 0;
            byte wx = walls[x];
            for (int m = 0; m < Moves.Count; m++)
            {
                if ((wx & Moves.WallBit[m]) != 0) continue;
                int y = x + Moves.Dx[m] + Moves.Dy[m] * w;
                if ((objects[y] & CellObject.Lava) != 0) continue;
                if (holding)
                {
                    // Holding at x came from holding at y, or (x a key) from empty-handed at y.
                    if (withKey[y] == Unreachable) { withKey[y] = d; queue[tail++] = y; }
                    if (xIsKey && withoutKey[y] == Unreachable) { withoutKey[y] = d; queue[tail++] = y + n; }
                }
                else if (!xIsKey && withoutKey[y] == Unreachable)
                {
                    withoutKey[y] = d;
                    queue[tail++] = y + n;
                }
            }
        }
    }

    private static int Search(Level level, Span<int> distance, Span<int> queue, int head, int tail,
        ReadOnlySpan<CellObject> objects, CellObject avoid)
    {
        bool avoiding = avoid != CellObject.None && !objects.IsEmpty;
        int w = level.Width;
        var walls = level.Walls;
        while (head < tail)
        {
            int c = queue[head++];
            int d = distance[c] + 1;
            byte wc = walls[c];
            // Walls are symmetric: if c can move to a neighbour, that neighbour can move to c.
            if ((wc & Walls.Up) == 0) Visit(c - w, d, distance, queue, ref tail, objects, avoiding, avoid);
            if ((wc & Walls.Down) == 0) Visit(c + w, d, distance, queue, ref tail, objects, avoiding, avoid);
            if ((wc & Walls.Left) == 0) Visit(c - 1, d, distance, queue, ref tail, objects, avoiding, avoid);
            if ((wc & Walls.Right) == 0) Visit(c + 1, d, distance, queue, ref tail, objects, avoiding, avoid);
        }
        return tail;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Visit(int cell, int d, Span<int> distance, Span<int> queue, ref int tail,
        ReadOnlySpan<CellObject> objects, bool avoiding, CellObject avoid)
    {
        if (distance[cell] != Unreachable) return;
        if (avoiding && (objects[cell] & avoid) != 0) return;
        distance[cell] = d;
        queue[tail++] = cell;
    }

    private static void CheckBuffers(int n, Span<int> distance, Span<int> queue)
    {
        if (distance.Length < n || queue.Length < n)
            throw new ArgumentException($"distance and queue buffers need at least {n} entries (the level's cell count).");
    }
}
