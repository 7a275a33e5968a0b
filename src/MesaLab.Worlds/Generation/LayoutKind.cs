namespace MesaLab.Worlds;

/// <summary>How the walls of a maze world's levels are made; the <c>generator</c> parameter of a split.</summary>
public enum LayoutKind
{
    /// <summary>Perfect maze by randomized depth-first search (<see cref="MazeCarver"/>).</summary>
    Dfs,
    /// <summary>Perfect maze by randomized Kruskal (<see cref="KruskalCarver"/>).</summary>
    Kruskal,
    /// <summary>Each passage between neighbouring cells open with <c>passage_probability</c>.</summary>
    Edges,
    /// <summary>An open room in which each cell is a block with <c>block_probability</c>.</summary>
    Blocks,
    /// <summary>An open room with blocks where fractal Perlin noise exceeds <c>noise_threshold</c>.</summary>
    Noise,
    /// <summary>One open room, no inner walls.</summary>
    Open,
}
