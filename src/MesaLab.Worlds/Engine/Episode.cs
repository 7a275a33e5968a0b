namespace MesaLab.Worlds;

/// <summary>
/// One recorded episode of a policy on one level: the cells the agent visited (start first), the live objects
/// after every step, and what happened. For pictures, GIFs and tests; allocates freely (not the training path).
/// </summary>
public sealed class Episode
{
    private Episode(Level level) => Level = level;

    /// <summary>The level as generated.</summary>
    public Level Level { get; }

    /// <summary>Agent cells: <c>Cells[0]</c> is the start, <c>Cells[t]</c> the cell after step t.</summary>
    public List<int> Cells { get; } = [];

    /// <summary>Live objects before the first step (index 0) and after each step.</summary>
    public List<CellObject[]> Objects { get; } = [];

    public List<Move> Moves { get; } = [];
    public List<StepEvents> Events { get; } = [];
    public List<float> Rewards { get; } = [];
    public float Return { get; private set; }
    public bool Terminated { get; private set; }
    public bool Truncated { get; private set; }
    public int Length => Moves.Count;

    /// <summary>Runs <paramref name="policy"/> on level <paramref name="levelIndex"/> of <paramref name="split"/> for seed <paramref name="seed"/> until the episode ends.</summary>
    public static Episode Record(Split split, ulong seed, long levelIndex, IPolicy policy) =>
        Run(split, policy, new EpisodeRunSettings { Episodes = 1, Seed = seed, FirstLevel = levelIndex, BatchSize = 1 });

    /// <summary>Runs <paramref name="policy"/> on a copy of <paramref name="level"/> (replays, hand-built levels).</summary>
    public static Episode Record(Split split, Level level, IPolicy policy) =>
        Run(split, policy, new EpisodeRunSettings { Levels = [level], Seed = level.Seed, BatchSize = 1, CanvasWidth = level.Width, CanvasHeight = level.Height });

    private static Episode Run(Split split, IPolicy policy, EpisodeRunSettings settings)
    {
        var recorder = new Recorder();
        EpisodeRunner.Run(split, policy, settings, recorder);
        return recorder.Episode!;
    }

    /// <summary>Captures the one episode of a run step by step.</summary>
    private sealed class Recorder : IEpisodeObserver
    {
        public Episode? Episode;

        public void Started(int episode, WorldBatch batch, int instance)
        {
            Episode = new Episode(batch.Levels[instance].Clone());
            Episode.Cells.Add(batch.AgentCell[instance]);
            Episode.Objects.Add(batch.LiveObjects(instance).ToArray());
        }

        public void Stepped(int episode, WorldBatch batch, int instance, Move move)
        {
            var e = Episode!;
            e.Moves.Add(move);
            e.Cells.Add(batch.AgentCell[instance]);
            e.Objects.Add(batch.LiveObjects(instance).ToArray());
            e.Events.Add(batch.Events[instance]);
            e.Rewards.Add(batch.Rewards[instance]);
            e.Return += batch.Rewards[instance];
        }

        public void Ended(int episode, WorldBatch batch, int instance, EpisodeEnd end)
        {
            Episode!.Terminated = end.Terminated;
            Episode.Truncated = end.Truncated;
        }
    }
}
