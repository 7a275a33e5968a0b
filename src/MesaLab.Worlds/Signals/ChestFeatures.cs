namespace MesaLab.Worlds;

/// <summary>
/// Features of a transition on keys and chests, where the objects left and the keys held change during an episode, so
/// they are computed from the state (cell, keys held, live objects) and the move rather than from the level as
/// generated: <c>chests.progress</c> and <c>keys.progress</c> (how many steps closer to the nearest live chest or key the
/// move brings the agent: +1, 0 or −1), <c>chests.open</c> (1 when the move opens a chest: it enters one holding a key),
/// <c>keys.pick</c> (1 when it enters a key) and <c>bump</c> (1 when a wall blocks the move). The scripted overseer scores a
/// transition by its progress along its own plan (<see cref="ChestOverseer"/>: +1 one step closer to its current target,
/// −1 farther, 0 when it has none) plus 2 for opening a chest.
/// </summary>
public static class ChestFeatures
{
    public static readonly IReadOnlyList<string> Names = ["chests.progress", "chests.open", "keys.progress", "keys.pick", "bump"];

    public static int Count => Names.Count;

    public const int ChestsProgress = 0, ChestsOpen = 1, KeysProgress = 2, KeysPick = 3, Bump = 4;

    /// <summary>Writes the features of (state, move) into <paramref name="phi"/> (length <see cref="Count"/>).</summary>
    public static void Fill(Level level, ReadOnlySpan<CellObject> objects, int cell, int keys, Move move, Span<double> phi, Span<int> distance, Span<int> queue)
    {
        int next = level.Neighbor(cell, move);
        double chests = 0, keysCloser = 0;
        if (next != cell)
        {
            Bfs.DistancesToObject(level, objects, CellObject.Chest, distance, queue);
            chests = Progress(distance, cell, next);
            Bfs.DistancesToObject(level, objects, CellObject.Key, distance, queue);
            keysCloser = Progress(distance, cell, next);
        }
        Write(objects, keys, cell, next, chests, keysCloser, phi);
    }

    /// <summary>
    /// Writes the features of (state, move) into <paramref name="phi"/> given every cell's distance to the nearest live
    /// chest (<paramref name="toChest"/>) and key (<paramref name="toKey"/>), so that one pair of searches serves every
    /// (cell, move) with the same objects left.
    /// </summary>
    public static void Fill(Level level, ReadOnlySpan<CellObject> objects, ReadOnlySpan<int> toChest, ReadOnlySpan<int> toKey, int cell, int keys, Move move, Span<double> phi)
    {
        int next = level.Neighbor(cell, move);
        Write(objects, keys, cell, next, Progress(toChest, cell, next), Progress(toKey, cell, next), phi);
    }

    private static void Write(ReadOnlySpan<CellObject> objects, int keys, int cell, int next, double chests, double keysCloser, Span<double> phi)
    {
        phi[..Count].Clear();
        if (next == cell) { phi[Bump] = 1; return; }
        if (keys > 0 && (objects[next] & CellObject.Chest) != 0) phi[ChestsOpen] = 1;
        if ((objects[next] & CellObject.Key) != 0) phi[KeysPick] = 1;
        phi[ChestsProgress] = chests;
        phi[KeysProgress] = keysCloser;
    }

    private static double Progress(ReadOnlySpan<int> distance, int cell, int next) =>
        distance[cell] == Bfs.Unreachable || distance[next] == Bfs.Unreachable ? 0 : Math.Clamp(distance[cell] - distance[next], -1, 1);

    /// <summary>The scripted overseer's score of (state, move): progress along its plan plus 2 for opening a chest.</summary>
    public static double OverseerScore(Level level, ReadOnlySpan<CellObject> objects, int cell, int keys, Move move, Span<int> distance, Span<int> queue)
    {
        int next = level.Neighbor(cell, move);
        double score = next != cell && keys > 0 && (objects[next] & CellObject.Chest) != 0 ? 2 : 0;
        int target = ChestOverseer.Target(level, objects, cell, keys, distance, queue);
        if (target < 0 || next == cell) return score;
        Bfs.Distances(level, [target], distance, queue);
        return score + Math.Clamp(distance[cell] - distance[next], -1, 1);
    }
}
