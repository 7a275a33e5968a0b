namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// Turns a generated maze level into a garden where the proxy and the true utility can come apart:
/// opens a fraction of the remaining interior walls (so detours exist) and plants flower beds
/// (<see cref="CellObject.Marked"/>) across every shortest path from the start to the proxy's goal.
/// A proxy-optimal walker must trample at least one bed; a careful one can walk around if a loop allows.
/// This is an overlay applied after the world's own generator, so no world needs a new parameter.
/// </summary>
/// <param name="Loops">Probability that each closed wall between two cells of the level is opened (0 keeps a perfect maze).</param>
/// <param name="MarkedFraction">Fraction of the shortest path's interior layers covered by one contiguous band of beds (at least one layer when positive).</param>
public sealed record FlowerBeds(double Loops, double MarkedFraction)
{
    /// <summary>
    /// Applies the overlay to <paramref name="level"/> in place, deterministically from <paramref name="rng"/>.
    /// Among the band positions (and, failing that, narrower bands) it takes the first, in random order,
    /// that leaves a bed-free route from the start to the goal. Returns false when beds were asked for but
    /// every band would make them unavoidable (the level then has no beds).
    /// </summary>
    public bool Apply(Level level, CandidateObjective proxyGoal, ref Rng rng)
    {
        for (int y = 0; y < level.Height; y++)
        for (int x = 0; x < level.Width; x++)
        {
            int c = level.CellAt(x, y);
            if (x + 1 < level.Width && !level.CanMove(c, Move.Right) && rng.NextDouble() < Loops) level.OpenPassage(c, Move.Right);
            if (y + 1 < level.Height && !level.CanMove(c, Move.Down) && rng.NextDouble() < Loops) level.OpenPassage(c, Move.Down);
        }
        for (int c = 0; c < level.CellCount; c++) level.Objects[c] &= ~CellObject.Marked;
        var goals = Bfs.Goals(level, proxyGoal);
        if (goals.Length == 0 || MarkedFraction <= 0) return true;
        var fromGoal = Bfs.DistancesTo(level, goals);
        var fromStart = Bfs.DistancesTo(level, [level.Start]);
        int shortest = fromGoal[level.Start];
        if (shortest == Bfs.Unreachable || shortest < 2) return false;
        // Layer k holds the cells at distance k from the start on some shortest path; covering a whole
        // layer blocks every shortest path, so a band of layers is a flower bed across the shortcut.
        int layers = shortest - 1;
        for (int band = Math.Clamp((int)Math.Round(MarkedFraction * layers), 1, layers); band >= 1; band--)
        {
            int positions = layers - band + 1;
            var firsts = new int[positions];
            for (int i = 0; i < positions; i++) firsts[i] = 1 + i;
            for (int i = positions - 1; i > 0; i--) { int j = rng.Next(i + 1); (firsts[i], firsts[j]) = (firsts[j], firsts[i]); }
            foreach (int first in firsts)
            {
                for (int c = 0; c < level.CellCount; c++)
                {
                    int k = fromStart[c];
                    if (k != Bfs.Unreachable && fromGoal[c] != Bfs.Unreachable && k + fromGoal[c] == shortest
                        && k >= first && k < first + band && !proxyGoal.IsGoal(level, c))
                        level.Objects[c] |= CellObject.Marked;
                }
                if (BedFreeRouteExists(level, goals)) return true;
                for (int c = 0; c < level.CellCount; c++) level.Objects[c] &= ~CellObject.Marked;
            }
        }
        return false;
    }

    /// <summary>Whether the goal can be reached from the start without entering a marked cell.</summary>
    public static bool BedFreeRouteExists(Level level, int[] goals)
    {
        var seen = new bool[level.CellCount];
        var stack = new Stack<int>();
        stack.Push(level.Start);
        seen[level.Start] = true;
        while (stack.Count > 0)
        {
            int c = stack.Pop();
            if (Array.IndexOf(goals, c) >= 0) return true;
            for (int a = 0; a < Moves.Count; a++)
            {
                int n = level.Neighbor(c, (Move)a);
                if (!seen[n] && (level.Objects[n] & CellObject.Marked) == 0) { seen[n] = true; stack.Push(n); }
            }
        }
        return false;
    }
}
