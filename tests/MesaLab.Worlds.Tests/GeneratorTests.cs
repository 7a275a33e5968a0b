namespace MesaLab.Worlds.Tests;

using CsCheck;
using MesaLab.Worlds;

/// <summary>Level generators: what each layout promises, whichever maze world uses it.</summary>
public class GeneratorTests
{
    private static readonly string[] MazeWorlds = WorldCatalog.All.Where(w => w.Parameter("generator") is not null).Select(w => w.Name).ToArray();

    private static Split SplitWith(string world, string split, params (string Key, object Value)[] values) =>
        WorldCatalog.Get(world).Split(split, values.ToDictionary(v => v.Key, v => v.Value));

    /// <summary>The raw walls a layout draws at a size, without objects.</summary>
    private static Level Draw(Split split, int size, ulong seed, long index)
    {
        var layout = new LevelLayout(split);
        var level = new Level();
        level.Reset(size, size);
        var rng = Rng.ForLevel(seed, 99, index);
        layout.Draw(ref rng, level);
        return level;
    }

    private static int Reachable(Level level, int from)
    {
        var d = new int[level.CellCount];
        return Bfs.Distances(level, [from], d, new int[level.CellCount]);
    }

    [Fact]
    public void Every_maze_world_offers_every_generator_and_kruskal_and_dfs_carve_spanning_trees()
    {
        Assert.Equal(7, MazeWorlds.Length);
        Gen.Select(Gen.Int[0, MazeWorlds.Length - 1], Gen.Int[2, 30], Gen.Int[2, 30], Gen.ULong, Gen.Bool).Sample((w, width, height, seed, kruskal) =>
        {
            var split = SplitWith(MazeWorlds[w], "train", ("generator", kruskal ? "kruskal" : "dfs"));
            var layout = new LevelLayout(split);
            var level = new Level();
            level.Reset(width, height);
            var rng = new Rng(seed);
            layout.Draw(ref rng, level);
            // A spanning tree: connected, and exactly cells − 1 passages (so one path between any two cells).
            Assert.Equal(level.CellCount - 1, level.PassageCount());
            Assert.Equal(level.CellCount, Reachable(level, 0));
        }, iter: 300);
    }

    [Fact]
    public void Kruskal_and_dfs_make_different_mazes_dfs_with_longer_paths()
    {
        double dfs = 0, kruskal = 0;
        for (long i = 0; i < 200; i++)
        {
            foreach (var (name, add) in new[] { ("dfs", 0), ("kruskal", 1) })
            {
                var level = Draw(SplitWith("green-arrow-maze", "train", ("generator", name)), 12, 3, i);
                var d = new int[level.CellCount];
                Bfs.Distances(level, [0], d, new int[level.CellCount]);
                if (add == 0) dfs += d[level.CellCount - 1]; else kruskal += d[level.CellCount - 1];
            }
        }
        // Corner-to-corner path length: the backtracker's long corridors make it much longer on average.
        Assert.True(dfs > 1.3 * kruskal, $"dfs mean {dfs / 200:F1}, kruskal mean {kruskal / 200:F1}");
    }

    [Theory]
    [InlineData("edges", "passage_probability", 0.5)]
    [InlineData("edges", "passage_probability", 0.75)]
    [InlineData("blocks", "block_probability", 0.25)]
    [InlineData("blocks", "block_probability", 0.4)]
    [InlineData("noise", "noise_threshold", 0.0)]
    public void Disconnecting_layouts_keep_every_goal_reachable_by_redrawing(string generator, string parameter, double p)
    {
        int disconnectedRaw = 0;
        foreach (var world in MazeWorlds)
            foreach (var splitName in new[] { "train", "deploy" })
            {
                var split = SplitWith(world, splitName, ("generator", generator), (parameter, p));
                var gen = split.World.CreateGenerator(split);
                for (long i = 0; i < 40; i++)
                {
                    var level = gen.Generate(5, i);
                    int n = level.CellCount;
                    var fromStart = new int[n];
                    Bfs.Distances(level, [level.Start], fromStart, new int[n]);
                    // Objects lie only where the agent can go; every goal of every candidate is reachable.
                    for (int c = 0; c < n; c++)
                        if (level.Objects[c] != CellObject.None) Assert.True(fromStart[c] != Bfs.Unreachable, $"{world} level {i}: an object on an unreachable cell");
                    foreach (var cand in split.World.Candidates)
                        Assert.NotEqual(Bfs.Unreachable, Bfs.ShortestPathLength(level, cand));
                    var raw = Draw(split, level.Width, 5, i);
                    if (Reachable(raw, 0) < raw.CellCount) disconnectedRaw++;
                }
            }
        // The property is not vacuous: these layouts do cut cells off.
        Assert.True(disconnectedRaw > 20, $"only {disconnectedRaw} raw layouts were disconnected");
    }

    [Fact]
    public void Edge_and_block_layouts_open_and_block_cells_with_their_probability()
    {
        int passages = 0, possible = 0, blocks = 0, cells = 0;
        for (long i = 0; i < 300; i++)
        {
            var edges = Draw(SplitWith("cheese-on-a-dish", "train", ("generator", "edges"), ("passage_probability", 0.6)), 10, 1, i);
            passages += edges.PassageCount();
            possible += 2 * 100 - 10 - 10;
            var blocked = Draw(SplitWith("cheese-on-a-dish", "train", ("generator", "blocks"), ("block_probability", 0.3)), 10, 1, i);
            for (int c = 0; c < blocked.CellCount; c++) if (blocked.IsEnclosed(c)) blocks++;
            cells += blocked.CellCount;
        }
        Assert.InRange(passages / (double)possible, 0.58, 0.62);
        Assert.InRange(blocks / (double)cells, 0.28, 0.32);
    }

    [Fact]
    public void Noise_blocks_come_in_blobs_unlike_independent_blocks()
    {
        // P(a neighbour of a block is a block) far exceeds the block share for noise, and matches it for blocks.
        (double Share, double NeighbourShare) Stats(Split split)
        {
            int blocks = 0, cells = 0, pairs = 0, both = 0;
            for (long i = 0; i < 200; i++)
            {
                var l = Draw(split, 16, 2, i);
                for (int c = 0; c < l.CellCount; c++)
                {
                    cells++;
                    if (!l.IsEnclosed(c)) continue;
                    blocks++;
                    if (l.X(c) + 1 < l.Width) { pairs++; if (l.IsEnclosed(c + 1)) both++; }
                }
            }
            return (blocks / (double)cells, both / (double)pairs);
        }
        var noise = Stats(SplitWith("lava-land", "train", ("generator", "noise")));
        var blocksOnly = Stats(SplitWith("lava-land", "train", ("generator", "blocks"), ("block_probability", noise.Item1)));
        Assert.InRange(noise.Share, 0.15, 0.45);
        Assert.True(noise.NeighbourShare > 1.6 * noise.Share, $"noise: share {noise.Share:F2}, neighbour share {noise.NeighbourShare:F2}");
        Assert.InRange(blocksOnly.NeighbourShare, blocksOnly.Share - 0.05, blocksOnly.Share + 0.05);
        // Larger noise_scale, larger blobs.
        var coarse = Stats(SplitWith("lava-land", "train", ("generator", "noise"), ("noise_scale", 6)));
        Assert.True(coarse.NeighbourShare > noise.NeighbourShare);
    }

    [Fact]
    public void Open_layout_has_no_inner_walls()
    {
        var l = Draw(SplitWith("keys-and-chests", "train", ("generator", "open")), 9, 1, 0);
        Assert.Equal(2 * 81 - 9 - 9, l.PassageCount());
    }

    [Fact]
    public void Layout_parameters_enter_the_fingerprint_only_when_set()
    {
        var w = WorldCatalog.Get("green-arrow-maze");
        Assert.DoesNotContain("generator", w.Split("train").Fingerprint());
        Assert.DoesNotContain("generator", w.Split("train", new Dictionary<string, object> { ["generator"] = "dfs" }).Fingerprint());
        var noisy = w.Split("deploy", new Dictionary<string, object> { ["generator"] = "noise", ["noise_scale"] = 5 });
        Assert.Contains("generator=noise", noisy.Fingerprint());
        Assert.Contains("noise_scale=5", noisy.Fingerprint());
        Assert.DoesNotContain("noise_octaves", noisy.Fingerprint());
        // A recorded fingerprint regenerates the same split.
        var back = w.DefineSplit("deploy", "recorded", noisy.Fingerprint().Split(';').ToDictionary(kv => kv.Split('=')[0], kv => (object)kv.Split('=')[1]), null, "test");
        Assert.Equal(noisy.Fingerprint(), back.Fingerprint());
        Assert.Equal(LevelStabilityTests.LevelHash(noisy), LevelStabilityTests.LevelHash(back));
    }

    [Fact]
    public void Levels_that_cannot_be_drawn_are_a_user_error_naming_the_generator_and_its_parameter()
    {
        var split = SplitWith("monster-world", "train", ("generator", "blocks"), ("block_probability", 0.9), ("apples", 20), ("min_size", 6), ("max_size", 6));
        var e = Assert.Throws<UserError>(() => split.World.CreateGenerator(split).Generate(1, 0));
        Assert.Contains("'blocks'", e.Message);
        Assert.Contains("block_probability", e.Message);
        Assert.Contains("monster-world", e.Message);
    }
}
