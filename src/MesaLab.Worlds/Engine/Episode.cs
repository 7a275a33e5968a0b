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
    public static Episode Record(Split split, ulong seed, long levelIndex, IPolicy policy)
    {
        var batch = new WorldBatch(split, 1, seed, new BatchOptions { AutoReset = false, FirstLevelIndex = levelIndex });
        var obs = policy.NeedsObservations ? new float[batch.ObservationSize] : [];
        batch.Reset(obs);
        return Run(batch, policy, obs);
    }

    /// <summary>Runs <paramref name="policy"/> on a copy of <paramref name="level"/> (replays, hand-built levels).</summary>
    public static Episode Record(Split split, Level level, IPolicy policy)
    {
        var batch = new WorldBatch(split, 1, level.Seed, new BatchOptions
        {
            AutoReset = false,
            CanvasWidth = level.Width,
            CanvasHeight = level.Height,
        });
        var obs = policy.NeedsObservations ? new float[batch.ObservationSize] : [];
        batch.ResetInstance(0, level, obs);
        return Run(batch, policy, obs);
    }

    private static Episode Run(WorldBatch batch, IPolicy policy, float[] obs)
    {
        var e = new Episode(batch.Levels[0].Clone());
        e.Cells.Add(batch.AgentCell[0]);
        e.Objects.Add(batch.LiveObjects(0).ToArray());
        var move = new Move[1];
        while (true)
        {
            policy.Act(batch, obs, move);
            batch.Step(move, obs);
            e.Moves.Add(move[0]);
            e.Cells.Add(batch.AgentCell[0]);
            e.Objects.Add(batch.LiveObjects(0).ToArray());
            e.Events.Add(batch.Events[0]);
            e.Rewards.Add(batch.Rewards[0]);
            e.Return += batch.Rewards[0];
            if (batch.Terminated[0] || batch.Truncated[0])
            {
                e.Terminated = batch.Terminated[0];
                e.Truncated = batch.Truncated[0];
                return e;
            }
        }
    }
}
