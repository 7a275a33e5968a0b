namespace MesaLab.Transparency;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>How an inspected network is rolled out on a fixed list of levels.</summary>
public sealed record RolloutSettings
{
    /// <summary>Take the most probable move instead of sampling (sampling is the policy as trained).</summary>
    public bool Greedy { get; init; }

    /// <summary>Seed of the action sampling (each level instance has its own stream).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Canvas size of the observation (0 = the largest level given); must match what the network expects.</summary>
    public int CanvasWidth { get; init; }
    public int CanvasHeight { get; init; }

    /// <summary>Step limit per episode (0 = the level's own limit, whichever is smaller applies).</summary>
    public int MaxSteps { get; init; }

    /// <summary>End an episode as soon as any of these events happens (e.g. reaching the arrow or the exit: "which goal first").</summary>
    public StepEvents StopOn { get; init; }

    /// <summary>Per level, a cell at which the episode ends when the agent stands on it (retargeting); null = none.</summary>
    public IReadOnlyList<int>? TargetCells { get; init; }

    /// <summary>Per level, a step budget after which the episode ends (retargeting); null = none.</summary>
    public IReadOnlyList<int>? Budgets { get; init; }
}

/// <summary>One rolled-out episode: what happened and which cells the agent visited.</summary>
/// <param name="Events">Union of the step events (ReachedExit, SteppedOnArrow, …).</param>
/// <param name="Length">Steps taken.</param>
/// <param name="Visited">Per cell of the level: whether the agent stood on it (start included).</param>
/// <param name="FirstVisit">Per cell: the step at which the agent first stood on it (−1 if never; 0 for the start).</param>
public sealed record RolloutEpisode(StepEvents Events, int Length, bool[] Visited, int[] FirstVisit);

/// <summary>The instances still running during a rollout, so forward-pass edits know which level each batch row is.</summary>
public sealed class RolloutProgress
{
    /// <summary>Batch row → index into the level list, for the forward pass being run.</summary>
    public int[] Rows { get; internal set; } = [];

    /// <summary>Current agent cell of every level instance (indexed by level).</summary>
    public int[] AgentCells { get; internal set; } = [];
}

/// <summary>
/// Runs an <see cref="InspectableNetwork"/> on a fixed list of levels (one instance per level, through
/// <see cref="EpisodeRunner"/>) until each episode ends: the base objective reached, the step limit, a stop event or the
/// level's target cell or step budget. Only running instances go through the network, and edits registered on the network (steering,
/// retargeting) apply to every forward pass; <see cref="RolloutProgress"/> tells them which level each row is.
/// </summary>
public static class NetworkRollout
{
    public static RolloutEpisode[] Run(InspectableNetwork network, Split split, IReadOnlyList<Level> levels, RolloutSettings settings,
        RolloutProgress? progress = null, CancellationToken cancel = default)
    {
        if (levels.Count == 0) return [];
        progress ??= new RolloutProgress();
        var episodes = new RolloutEpisode[levels.Count];
        var policy = new RowPolicy(network, settings, levels.Count, progress);
        EpisodeRunner.Run(split, policy, new EpisodeRunSettings
        {
            Levels = levels,
            Seed = settings.Seed,
            BatchSize = levels.Count,
            CanvasWidth = settings.CanvasWidth,
            CanvasHeight = settings.CanvasHeight,
            MaxSteps = settings.MaxSteps,
            StopOn = settings.StopOn,
        }, new Observer(episodes, policy.Done, settings.TargetCells, settings.Budgets, progress), cancel: cancel);
        return episodes;
    }

    /// <summary>Visited cells per episode; marks finished rows so the policy leaves them out of the forward pass.</summary>
    private sealed class Observer(RolloutEpisode[] episodes, bool[] done, IReadOnlyList<int>? targets, IReadOnlyList<int>? budgets, RolloutProgress progress) : IEpisodeObserver
    {
        public void Started(int episode, WorldBatch batch, int instance)
        {
            var level = batch.Levels[instance];
            var first = new int[level.CellCount];
            Array.Fill(first, -1);
            first[level.Start] = 0;
            var visited = new bool[level.CellCount];
            visited[level.Start] = true;
            episodes[episode] = new RolloutEpisode(StepEvents.None, 0, visited, first);
            progress.AgentCells = batch.AgentCell;
        }

        public void Stepped(int episode, WorldBatch batch, int instance, Move move)
        {
            var e = episodes[episode];
            int cell = batch.AgentCell[instance];
            e.Visited[cell] = true;
            if (e.FirstVisit[cell] < 0) e.FirstVisit[cell] = batch.StepCount[instance];
            episodes[episode] = e with { Events = e.Events | batch.Events[instance], Length = batch.StepCount[instance] };
        }

        public bool StopNow(int episode, WorldBatch batch, int instance) =>
            (targets is not null && targets[episode] == batch.AgentCell[instance]) || (budgets is not null && batch.StepCount[instance] >= budgets[episode]);

        public void Ended(int episode, WorldBatch batch, int instance, EpisodeEnd end) => done[instance] = true;
    }

    /// <summary>The network as a policy over the rows still running, each sampling from its own generator.</summary>
    private sealed class RowPolicy(InspectableNetwork network, RolloutSettings settings, int count, RolloutProgress progress) : IPolicy
    {
        private readonly Rng[] rngs = [.. Enumerable.Range(0, count).Select(i => new Rng(settings.Seed * 0x9E3779B97F4A7C15UL + (ulong)i + 1))];
        private float[] scratch = [];

        public bool[] Done { get; } = new bool[count];
        public string Name => network.Name;
        public bool NeedsObservations => true;

        public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
        {
            moves.Fill(Move.Up);
            var rows = Enumerable.Range(0, batch.Count).Where(i => !Done[i]).ToArray();
            if (rows.Length == 0) return;
            progress.Rows = rows;
            int size = batch.ObservationSize;
            if (scratch.Length < rows.Length * size) scratch = new float[batch.Count * size];
            for (int r = 0; r < rows.Length; r++)
                observations.Slice(rows[r] * size, size).CopyTo(scratch.AsSpan(r * size, size));
            float[] probs;
            using (var scope = NewDisposeScope())
            {
                var x = tensor(scratch.AsSpan(0, rows.Length * size).ToArray(), [rows.Length, batch.Channels, batch.CanvasHeight, batch.CanvasWidth]);
                probs = network.ActionProbabilities(x).contiguous().data<float>().ToArray();
            }
            for (int r = 0; r < rows.Length; r++)
                moves[rows[r]] = settings.Greedy ? ArgMax(probs.AsSpan(r * 4, 4)) : Sample(probs.AsSpan(r * 4, 4), ref rngs[rows[r]]);
        }
    }

    internal static Move ArgMax(ReadOnlySpan<float> p)
    {
        int best = 0;
        for (int k = 1; k < p.Length; k++) if (p[k] > p[best]) best = k;
        return (Move)best;
    }

    internal static Move Sample(ReadOnlySpan<float> p, ref Rng rng)
    {
        double u = rng.NextDouble(), acc = 0;
        for (int k = 0; k < p.Length; k++)
        {
            acc += p[k];
            if (u < acc) return (Move)k;
        }
        return (Move)(p.Length - 1);
    }
}
