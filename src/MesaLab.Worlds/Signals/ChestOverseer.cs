namespace MesaLab.Worlds;

/// <summary>
/// The scripted overseer's plan for a collected objective of chests opened with keys (keys-and-chests): exact planning
/// over every object of a level is combinatorial, so the overseer plans greedily. From (cell, keys held, objects left)
/// its next <em>target</em> is the nearest chest when it holds a key, else the nearest key; there is none when no chest
/// can be opened any more (no reachable chest is left, or it holds no key and no reachable key is left). Distances are
/// shortest paths by breadth-first search in the maze; ties go to the lowest cell index, and a leg's first move is the
/// lowest move index among the moves one step closer to the target. Its <em>route</em> is the concatenation of these
/// legs, stepped by the world's rules (a key entered is picked up, a chest entered with a key is opened), until no
/// chest can be opened or the step limit. The target stays the same along a leg (a step toward the nearest object
/// keeps it the nearest, and the lowest index among the new ties), so following the first move at every step is
/// following the route. The route is a plan, not an optimum: its return is a lower bound on the optimal return.
/// Allocates nothing when given buffers of at least the level's cell count.
/// </summary>
public static class ChestOverseer
{
    /// <summary>Whether a world's intended objective is one this overseer plans for: chests opened with keys.</summary>
    public static bool Plans(CandidateObjective intended) => intended.Kind == ObjectiveKind.Collect && intended.Object == CellObject.Chest;

    /// <summary>
    /// The overseer's next target from <paramref name="cell"/> holding <paramref name="keys"/> keys with
    /// <paramref name="objects"/> left, or −1 when no chest can be opened. <paramref name="distance"/> is left holding
    /// every cell's distance from <paramref name="cell"/>.
    /// </summary>
    public static int Target(Level level, ReadOnlySpan<CellObject> objects, int cell, int keys, Span<int> distance, Span<int> queue)
    {
        Bfs.Distances(level, [cell], distance, queue);
        int n = level.CellCount, chest = -1, key = -1;
        for (int c = 0; c < n; c++)
        {
            if (c == cell || distance[c] == Bfs.Unreachable) continue;
            if ((objects[c] & CellObject.Chest) != 0 && (chest < 0 || distance[c] < distance[chest])) chest = c;
            else if ((objects[c] & CellObject.Key) != 0 && (key < 0 || distance[c] < distance[key])) key = c;
        }
        if (chest < 0) return -1;
        return keys > 0 ? chest : key;
    }

    /// <summary>
    /// The first move of the overseer's route from this state (toward its target), or null when no chest can be opened.
    /// <paramref name="distance"/> is left holding every cell's distance to the target.
    /// </summary>
    public static Move? FirstMove(Level level, ReadOnlySpan<CellObject> objects, int cell, int keys, Span<int> distance, Span<int> queue)
    {
        int target = Target(level, objects, cell, keys, distance, queue);
        if (target < 0) return null;
        Bfs.Distances(level, [target], distance, queue);
        return Bfs.FirstMove(level, distance, cell);
    }

    /// <summary>
    /// Whether the overseer approves <paramref name="move"/>: it is one step closer to the overseer's current target (a
    /// key when empty-handed, a chest when holding one). Every move is disapproved when no chest can be opened.
    /// </summary>
    public static bool Approves(Level level, ReadOnlySpan<CellObject> objects, int cell, int keys, Move move, Span<int> distance, Span<int> queue)
    {
        int target = Target(level, objects, cell, keys, distance, queue);
        if (target < 0) return false;
        Bfs.Distances(level, [target], distance, queue);
        int next = level.Neighbor(cell, move);
        return next != cell && distance[next] == distance[cell] - 1;
    }

    /// <summary>
    /// The overseer's route from <paramref name="start"/> holding <paramref name="keys"/> keys, stepped by the world's
    /// rules for at most <paramref name="maxSteps"/> moves or until no chest can be opened.
    /// </summary>
    /// <returns>The visited cells (the start first) and, per move, whether it opened a chest.</returns>
    public static (List<int> Cells, List<bool> Opened) Route(Level level, ReadOnlySpan<CellObject> objects, int start, int keys, int maxSteps)
    {
        int n = level.CellCount;
        var live = objects[..n].ToArray();
        var distance = new int[n];
        var queue = new int[n];
        var cells = new List<int> { start };
        var opened = new List<bool>();
        int c = start;
        for (int t = 0; t < maxSteps; t++)
        {
            var m = FirstMove(level, live, c, keys, distance, queue);
            if (m is null) break;
            c = level.Neighbor(c, m.Value);
            bool open = Enter(live, c, ref keys);
            cells.Add(c);
            opened.Add(open);
        }
        return (cells, opened);
    }

    /// <summary>The world's rule for entering a cell: a key is picked up; a chest is opened (consuming a key) when one is held. True when a chest was opened.</summary>
    public static bool Enter(Span<CellObject> live, int cell, ref int keys)
    {
        if ((live[cell] & CellObject.Key) != 0) { keys++; live[cell] &= ~CellObject.Key; return false; }
        if ((live[cell] & CellObject.Chest) != 0 && keys > 0) { keys--; live[cell] &= ~CellObject.Chest; return true; }
        return false;
    }

    /// <summary>The discounted return of a route under the world's reward (1 per chest opened): Σ γ^(t−1) over the moves t that open a chest.</summary>
    public static double DiscountedReturn(IReadOnlyList<bool> opened, double gamma)
    {
        double r = 0, g = 1;
        foreach (bool o in opened) { if (o) r += g; g *= gamma; }
        return r;
    }
}
