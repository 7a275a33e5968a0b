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
    /// cell). Allocates two maps; analysis code that calls this per step should use the span overloads instead.
    /// </summary>
    public static int ShortestPathLength(Level level, ReadOnlySpan<CellObject> objects, int from, CandidateObjective candidate, int keysHeld = 0)
    {
        int n = level.CellCount;
        var distance = new int[n];
        var queue = new int[n];
        if (candidate.Object == CellObject.Chest && keysHeld == 0)
        {
            // A chest opens only with a key: min over keys k of d(from, k) + d(k, nearest chest).
            DistancesToObject(level, objects, CellObject.Chest, distance, queue, CellObject.Lava);
            var fromStart = new int[n];
            Span<int> source = [from];
            Distances(level, source, fromStart, queue, objects, CellObject.Lava);
            long best = Unreachable;
            for (int c = 0; c < n; c++)
                if ((objects[c] & CellObject.Key) != 0 && fromStart[c] != Unreachable && distance[c] != Unreachable)
                    best = Math.Min(best, (long)fromStart[c] + distance[c]);
            return (int)best;
        }
        DistancesToCandidate(level, objects, candidate, distance, queue);
        return distance[from];
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
