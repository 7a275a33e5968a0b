namespace MesaLab.Worlds;

using System.Globalization;

/// <summary>
/// The walls of one split's levels, drawn by the generator the split names, and the cells a world may put things
/// on. Spanning trees and open rooms connect every cell; edge, block and noise layouts can cut cells off, so worlds
/// place objects only on cells reachable from the start (<see cref="Region"/>) and draw the level again when the
/// start's region cannot hold what the level needs (<see cref="CheckAttempt"/> gives up with a
/// <see cref="UserError"/> after <see cref="MaxAttempts"/> draws). A block is a cell closed on all four sides.
/// Owns its scratch buffers: drawing allocates nothing in steady state.
/// </summary>
public sealed class LevelLayout
{
    public static readonly IReadOnlyList<string> GeneratorNames = ["dfs", "kruskal", "edges", "blocks", "noise", "open"];

    /// <summary>Draws of one level, at most, before the split is declared unsatisfiable.</summary>
    public const int MaxAttempts = 1000;

    /// <summary>
    /// The layout parameters every maze world offers, with the world's default generator. They are left out of a
    /// split's fingerprint at their defaults, so splits that do not use them keep the fingerprint their stored runs have.
    /// </summary>
    public static IReadOnlyList<ParameterSpec> Parameters(string defaultGenerator) =>
    [
        ParameterSpec.Choice("generator", defaultGenerator, [.. GeneratorNames],
            "how the walls are made: dfs or kruskal (perfect mazes: spanning trees with one path between any two cells; dfs makes long corridors, kruskal short dead ends), " +
            "edges (each passage between neighbouring cells open with passage_probability), blocks (an open room, each cell a solid block with block_probability), " +
            "noise (an open room with blocks where fractal Perlin noise exceeds noise_threshold) or open (one room, no inner walls)") with { OmittedAtDefault = true },
        ParameterSpec.Real("passage_probability", 0.75, 0.05, 1, "generator edges: probability that a passage between two neighbouring cells is open") with { OmittedAtDefault = true },
        ParameterSpec.Real("block_probability", 0.25, 0, 0.9, "generator blocks: probability that a cell is a solid block") with { OmittedAtDefault = true },
        ParameterSpec.Real("noise_threshold", 0.15, -1, 1, "generator noise: cells whose noise value (about −0.7 to 0.7) exceeds this are blocks; lower means more blocks") with { OmittedAtDefault = true },
        ParameterSpec.Int("noise_scale", 3, 1, 64, "generator noise: side of the coarsest noise lattice square, in cells (larger makes larger blobs)") with { OmittedAtDefault = true },
        ParameterSpec.Int("noise_octaves", 1, 1, 6, "generator noise: layers of noise, each with half the scale and amplitude of the one before (1 is plain Perlin noise)") with { OmittedAtDefault = true },
    ];

    private readonly Split split;
    private readonly MazeCarver dfs = new();
    private readonly KruskalCarver kruskal = new();
    private readonly PerlinNoise noise = new();
    private readonly double passageProbability, blockProbability, noiseThreshold;
    private readonly int noiseScale, noiseOctaves;
    private int[] identity = [], open = [], region = [], distance = [], queue = [];
    private double[] noiseValues = [];

    public LevelLayout(Split split)
    {
        this.split = split;
        Kind = Enum.Parse<LayoutKind>(split.Choice("generator"), ignoreCase: true);
        passageProbability = split.Real("passage_probability");
        blockProbability = split.Real("block_probability");
        noiseThreshold = split.Real("noise_threshold");
        noiseScale = split.Int("noise_scale");
        noiseOctaves = split.Int("noise_octaves");
    }

    public LayoutKind Kind { get; }

    /// <summary>Whether every cell of every level can reach every other (spanning trees and open rooms).</summary>
    public bool Connected => Kind is LayoutKind.Dfs or LayoutKind.Kruskal or LayoutKind.Open;

    /// <summary>Draws the walls of <paramref name="level"/>, already sized by <see cref="Level.Reset"/>.</summary>
    public void Draw(ref Rng rng, Level level)
    {
        int n = level.CellCount, w = level.Width, h = level.Height;
        switch (Kind)
        {
            case LayoutKind.Dfs:
                dfs.Carve(ref rng, level);
                break;
            case LayoutKind.Kruskal:
                kruskal.Carve(ref rng, level);
                break;
            case LayoutKind.Edges:
                level.Walls.AsSpan(0, n).Fill(Walls.All);
                for (int c = 0; c < n; c++)
                {
                    if (c % w < w - 1 && rng.NextDouble() < passageProbability) level.OpenPassage(c, Move.Right);
                    if (c / w < h - 1 && rng.NextDouble() < passageProbability) level.OpenPassage(c, Move.Down);
                }
                break;
            case LayoutKind.Blocks:
                level.OpenAllInterior();
                for (int c = 0; c < n; c++)
                    if (rng.NextDouble() < blockProbability) level.Enclose(c);
                break;
            case LayoutKind.Noise:
                level.OpenAllInterior();
                if (noiseValues.Length < n) noiseValues = new double[level.Walls.Length];
                noise.Fill(ref rng, w, h, noiseScale, noiseOctaves, noiseValues);
                for (int c = 0; c < n; c++)
                    if (noiseValues[c] > noiseThreshold) level.Enclose(c);
                break;
            default:
                level.OpenAllInterior();
                break;
        }
    }

    /// <summary>The cells that are not blocks, ascending (every cell for spanning trees and open rooms).</summary>
    public ReadOnlySpan<int> OpenCells(Level level)
    {
        int n = level.CellCount;
        if (Connected) return Identity(n);
        if (open.Length < n) open = new int[level.Walls.Length];
        int m = 0;
        for (int c = 0; c < n; c++) if (!level.IsEnclosed(c)) open[m++] = c;
        return open.AsSpan(0, m);
    }

    /// <summary>The cells reachable from <paramref name="from"/> (itself included), ascending.</summary>
    public ReadOnlySpan<int> Region(Level level, int from)
    {
        int n = level.CellCount;
        if (Connected) return Identity(n);
        if (region.Length < n) { region = new int[level.Walls.Length]; distance = new int[level.Walls.Length]; queue = new int[level.Walls.Length]; }
        Bfs.Distances(level, new ReadOnlySpan<int>(in from), distance, queue);
        int m = 0;
        for (int c = 0; c < n; c++) if (distance[c] != Bfs.Unreachable) region[m++] = c;
        return region.AsSpan(0, m);
    }

    /// <summary>
    /// Throws when <paramref name="attempt"/> (counted from 0) reaches <see cref="MaxAttempts"/>: the split's parameters
    /// leave too little room. <paramref name="needs"/> says what each level needs, for the message.
    /// </summary>
    public void CheckAttempt(int attempt, string needs)
    {
        if (attempt < MaxAttempts) return;
        string hint = Kind switch
        {
            LayoutKind.Edges => string.Create(CultureInfo.InvariantCulture, $"raise passage_probability (now {passageProbability}) or min_size"),
            LayoutKind.Blocks => string.Create(CultureInfo.InvariantCulture, $"lower block_probability (now {blockProbability}) or raise min_size"),
            LayoutKind.Noise => string.Create(CultureInfo.InvariantCulture, $"raise noise_threshold (now {noiseThreshold}) or min_size"),
            _ => "raise min_size or ask for fewer objects",
        };
        throw new UserError($"split '{split.Name}' of world '{split.World.Name}': {MaxAttempts} draws of generator '{split.Choice("generator")}' gave no level where {needs}; {hint}.");
    }

    /// <summary>A uniformly random cell of <paramref name="cells"/> other than <paramref name="except"/> (which must be one of them).</summary>
    public static int PickExcept(ref Rng rng, ReadOnlySpan<int> cells, int except)
    {
        int k = rng.Next(cells.Length - 1);
        if (k >= cells.BinarySearch(except)) k++;
        return cells[k];
    }

    private ReadOnlySpan<int> Identity(int n)
    {
        if (identity.Length < n)
        {
            identity = new int[n];
            for (int c = 0; c < n; c++) identity[c] = c;
        }
        return identity.AsSpan(0, n);
    }
}
