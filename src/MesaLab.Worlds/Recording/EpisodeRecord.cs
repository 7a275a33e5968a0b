namespace MesaLab.Worlds.Recording;

/// <summary>
/// One recorded episode: which level it was played on (world, split, level seed and index — enough to
/// regenerate it), what the agent did (actions), where it went (cell after each step) and what happened
/// (events per step). Analysis, pictures and replays read these, never live training objects, so any
/// old evaluation can be re-analysed without the network that produced it.
/// </summary>
public sealed record EpisodeRecord
{
    /// <summary>World name (<see cref="WorldCatalog"/>).</summary>
    public required string World { get; init; }

    /// <summary>Split name, e.g. <c>deploy</c>.</summary>
    public required string Split { get; init; }

    /// <summary>The split's parameter values (<see cref="Worlds.Split.Fingerprint"/>), so splits defined in a config regenerate too; empty means the built-in split of that name.</summary>
    public string SplitFingerprint { get; init; } = "";

    /// <summary>Seed of the evaluation that played this episode.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Seed of the level stream; with <see cref="LevelIndex"/> it regenerates the level.</summary>
    public required ulong LevelSeed { get; init; }

    public required long LevelIndex { get; init; }

    /// <summary>Level size (kept so outcome tables by size need no regeneration).</summary>
    public int LevelWidth { get; init; }
    public int LevelHeight { get; init; }

    /// <summary>The agent's start cell.</summary>
    public int Start { get; init; }

    /// <summary>Agent name, e.g. <c>shortest-path:arrow</c> or <c>run 12</c>.</summary>
    public string Agent { get; init; } = "";

    /// <summary>Move taken at each step.</summary>
    public required Move[] Actions { get; init; }

    /// <summary>The agent's cell after each step (same length as <see cref="Actions"/>).</summary>
    public required int[] Positions { get; init; }

    /// <summary>Events of each step (same length as <see cref="Actions"/>).</summary>
    public required StepEvents[] Events { get; init; }

    /// <summary>Total base-objective reward of the episode.</summary>
    public float Return { get; init; }

    public bool Terminated { get; init; }
    public bool Truncated { get; init; }

    public int Length => Actions.Length;

    /// <summary>Union of all step events.</summary>
    public StepEvents AllEvents
    {
        get
        {
            var e = StepEvents.None;
            foreach (var x in Events) e |= x;
            return e;
        }
    }

    /// <summary>Number of steps until <paramref name="ev"/> first happened (1-based), or -1 if it never did.</summary>
    public int FirstStepWith(StepEvents ev)
    {
        for (int t = 0; t < Events.Length; t++) if ((Events[t] & ev) != 0) return t + 1;
        return -1;
    }

    /// <summary>The agent's cell before step <paramref name="t"/> (the start for t = 0).</summary>
    public int CellBefore(int t) => t == 0 ? Start : Positions[t - 1];

    /// <summary>Compact binary form (see <see cref="EpisodeCodec"/>).</summary>
    public byte[] Encode() => EpisodeCodec.Encode(this);

    /// <summary>Reads a record written by <see cref="Encode"/>; a truncated or corrupt record is a <see cref="UserError"/>.</summary>
    public static EpisodeRecord Decode(ReadOnlySpan<byte> bytes, string where = "trajectory record") => EpisodeCodec.Decode(bytes, where);
}
