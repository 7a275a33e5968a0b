namespace MesaLab.Worlds;

/// <summary>
/// Carves perfect mazes — spanning trees of the cell grid, so exactly one path joins any two cells —
/// with the randomized depth-first search ("recursive backtracker"), iteratively, into a level in place.
/// Its long corridors and few branches make mazes whose shortest paths are long for their size.
/// </summary>
public sealed class MazeCarver
{
    private int[] stack = [];
    private bool[] visited = [];

    /// <summary>Closes every wall of <paramref name="level"/> (already sized) and carves a perfect maze from a random cell.</summary>
    public void Carve(ref Rng rng, Level level)
    {
        int n = level.CellCount;
        if (stack.Length < n) { stack = new int[n]; visited = new bool[n]; }
        level.Walls.AsSpan(0, n).Fill(Walls.All);
        visited.AsSpan(0, n).Clear();
        Span<int> options = stackalloc int[4];
        int top = 0;
        int startCell = rng.Next(n);
        stack[top++] = startCell;
        visited[startCell] = true;
        int w = level.Width, h = level.Height;
        while (top > 0)
        {
            int c = stack[top - 1];
            int x = c % w, y = c / w, k = 0;
            if (y > 0 && !visited[c - w]) options[k++] = (int)Move.Up;
            if (y < h - 1 && !visited[c + w]) options[k++] = (int)Move.Down;
            if (x > 0 && !visited[c - 1]) options[k++] = (int)Move.Left;
            if (x < w - 1 && !visited[c + 1]) options[k++] = (int)Move.Right;
            if (k == 0) { top--; continue; }
            var m = (Move)options[rng.Next(k)];
            int next = c + Moves.Dx[(int)m] + Moves.Dy[(int)m] * w;
            level.OpenPassage(c, m);
            visited[next] = true;
            stack[top++] = next;
        }
    }
}
