namespace MesaLab.Worlds.Recording;

/// <summary>Records every episode of an <see cref="EpisodeRunner"/> run as an <see cref="EpisodeRecord"/> (moves, cells and events per step).</summary>
public sealed class EpisodeRecorder : IEpisodeObserver
{
    private readonly Split split;
    private readonly ulong seed;
    private readonly string agent;
    private readonly string fingerprint;
    private readonly EpisodeRecord?[] records;
    private readonly Dictionary<int, (List<Move> Actions, List<int> Positions, List<StepEvents> Events)> open = [];

    public EpisodeRecorder(Split split, ulong seed, string agent, int episodes)
    {
        this.split = split;
        this.seed = seed;
        this.agent = agent;
        fingerprint = split.Fingerprint();
        records = new EpisodeRecord?[episodes];
    }

    /// <summary>The records in episode order (complete once the run has ended).</summary>
    public IReadOnlyList<EpisodeRecord> Records => records!;

    public void Started(int episode, WorldBatch batch, int instance) => open[episode] = ([], [], []);

    public void Stepped(int episode, WorldBatch batch, int instance, Move move)
    {
        var (actions, positions, events) = open[episode];
        actions.Add(move);
        positions.Add(batch.AgentCell[instance]);
        events.Add(batch.Events[instance]);
    }

    public void Ended(int episode, WorldBatch batch, int instance, EpisodeEnd end)
    {
        var (actions, positions, events) = open[episode];
        open.Remove(episode);
        var level = batch.Levels[instance];
        records[episode] = new EpisodeRecord
        {
            World = split.World.Name,
            Split = split.Name,
            SplitFingerprint = fingerprint,
            Seed = seed,
            LevelSeed = seed,
            LevelIndex = level.Index,
            LevelWidth = level.Width,
            LevelHeight = level.Height,
            Start = level.Start,
            Agent = agent,
            Actions = [.. actions],
            Positions = [.. positions],
            Events = [.. events],
            Return = end.Return,
            Terminated = end.Terminated,
            Truncated = end.Truncated,
        };
    }
}
