namespace MesaLab.Worlds;

/// <summary>
/// Carves perfect mazes with the randomized Kruskal algorithm: every passage between neighbouring cells in a
/// random order, each opened when it joins two cells not yet connected (a union–find forest tells). The result
/// is a uniformly shuffled spanning tree: more, shorter dead ends and shorter paths than the depth-first carver.
/// </summary>
public sealed class KruskalCarver
{
    private int[] passages = [];
    private int[] parent = [];

    /// <summary>Closes every wall of <paramref name="level"/> (already sized) and carves a spanning tree.</summary>
    public void Carve(ref Rng rng, Level level)
    {
        int n = level.CellCount, w = level.Width, h = level.Height;
        if (parent.Length < n) { parent = new int[n]; passages = new int[2 * n]; }
        level.Walls.AsSpan(0, n).Fill(Walls.All);
        // A passage is 2·cell (to the right) or 2·cell + 1 (downwards).
        int m = 0;
        for (int c = 0; c < n; c++)
        {
            if (c % w < w - 1) passages[m++] = 2 * c;
            if (c / w < h - 1) passages[m++] = 2 * c + 1;
        }
        for (int k = m - 1; k > 0; k--)
        {
            int j = rng.Next(k + 1);
            (passages[k], passages[j]) = (passages[j], passages[k]);
        }
        for (int c = 0; c < n; c++) parent[c] = c;
        int opened = 0;
        for (int k = 0; k < m && opened < n - 1; k++)
        {
            int a = passages[k] >> 1;
            bool down = (passages[k] & 1) != 0;
            int b = down ? a + w : a + 1;
            int ra = Root(a), rb = Root(b);
            if (ra == rb) continue;
            parent[ra] = rb;
            level.OpenPassage(a, down ? Move.Down : Move.Right);
            opened++;
        }
    }

    private int Root(int c)
    {
        while (parent[c] != c)
        {
            parent[c] = parent[parent[c]]; // path halving
            c = parent[c];
        }
        return c;
    }
}
