namespace MesaLab.Analysis;

using MesaLab.Worlds;

/// <summary>
/// A candidate's goal cells as analysis sees them (a mask over the live objects, with the keys as the subgoal of a
/// chest when no key is held) and the distance to them, by <see cref="Bfs"/>, the one search every layer uses.
/// </summary>
public static class GoalDistances
{
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

    /// <summary>
    /// The hazards of a world that stay where the level puts them and end the episode on entry (lava): planning
    /// treats their cells as the worst outcome and shortest paths never pass them. Hazards that move (monsters) are
    /// left out of these static models.
    /// </summary>
    public static CellObject StaticHazards(World world) =>
        world.Hazards.Aggregate(CellObject.None, (acc, h) => acc | (h.Object & CellObject.Lava));
}
