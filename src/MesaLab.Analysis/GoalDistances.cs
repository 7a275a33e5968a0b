namespace MesaLab.Analysis;

using MesaLab.Worlds;

/// <summary>
/// Breadth-first distances on a level in the shape analysis needs them (goal cells as a mask, a fresh array
/// back). A thin layer over <see cref="Bfs"/>, the one search every layer uses: walls are symmetric, so one
/// search from the goals gives every cell's distance to the nearest one, never passing through lava unless
/// lava is the goal — the same rules as the scripted agents.
/// </summary>
public static class GoalDistances
{
    public const int Unreachable = Bfs.Unreachable;

    /// <summary>Distance from every cell to the nearest cell where <paramref name="goal"/> is true.</summary>
    public static int[] To(Level level, ReadOnlySpan<bool> goal, ReadOnlySpan<CellObject> objects, CellObject avoid)
    {
        int n = level.CellCount;
        var goals = new List<int>();
        for (int c = 0; c < n; c++) if (goal[c]) goals.Add(c);
        var d = new int[n];
        Bfs.Distances(level, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(goals), d, new int[n], objects, avoid);
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

    public static CellObject AvoidFor(CandidateObjective candidate) => Bfs.AvoidFor(candidate);

    /// <summary>
    /// The hazards of a world that stay where the level puts them and end the episode on entry (lava): planning
    /// treats their cells as the worst outcome and shortest paths never pass them. Hazards that move (monsters) are
    /// left out of these static models.
    /// </summary>
    public static CellObject StaticHazards(World world) =>
        world.Hazards.Aggregate(CellObject.None, (acc, h) => acc | (h.Object & CellObject.Lava));

    /// <summary>
    /// Fewest moves from the start to first achieve <paramref name="candidate"/> on the initial level; for chests,
    /// through a key to a chest. <see cref="Unreachable"/> if impossible.
    /// </summary>
    public static int ShortestPathLength(Level level, CandidateObjective candidate) => Bfs.ShortestPathLength(level, candidate);
}
