namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Regenerated levels of recorded episodes, with each candidate's distance map, computed once per level.
/// Analysis of old evaluations needs only the records: levels are pure functions of (world, split, seed, index).
/// Safe to share between threads.
/// </summary>
public sealed class LevelCache
{
    private readonly Dictionary<string, Split> splits = [];
    private readonly Dictionary<(string Split, ulong Seed, long Index), LevelFacts> levels = [];

    /// <summary>The split a record was played on (parsed once per fingerprint).</summary>
    public Split SplitOf(EpisodeRecord r)
    {
        string key = r.World + "|" + r.Split + "|" + r.SplitFingerprint;
        lock (splits)
        {
            if (!splits.TryGetValue(key, out var s)) splits[key] = s = Replay.SplitOf(r);
            return s;
        }
    }

    public LevelFacts Get(EpisodeRecord r)
    {
        var split = SplitOf(r);
        var key = (r.World + "|" + r.Split + "|" + r.SplitFingerprint, r.LevelSeed, r.LevelIndex);
        lock (levels)
        {
            if (!levels.TryGetValue(key, out var facts))
            {
                var level = Replay.LevelOf(r, split).Clone();
                levels[key] = facts = new LevelFacts(level, split);
            }
            return facts;
        }
    }
}

/// <summary>A regenerated level with per-candidate facts analysis needs (goal cells, distances from the start).</summary>
public sealed class LevelFacts
{
    public LevelFacts(Level level, Split split)
    {
        Level = level;
        Split = split;
        foreach (var c in split.World.Candidates)
            ShortestPath[c.Name] = Bfs.ShortestPathLength(level, c);
    }

    public Level Level { get; }
    public Split Split { get; }

    /// <summary>Fewest moves from the start to first achieve each candidate (<see cref="Bfs.Unreachable"/> if impossible).</summary>
    public Dictionary<string, int> ShortestPath { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reuse key for per-level computations (soft value iteration tables).</summary>
    public object Key => this;
}
