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
/// Runs an <see cref="InspectableNetwork"/> on a fixed list of levels until each episode ends (base objective reached,
/// or the step limit). Only running instances go through the network, and edits registered on the network
/// (steering, retargeting) apply to every forward pass; <see cref="RolloutProgress"/> tells them which level each row is.
/// </summary>
public static class NetworkRollout
{
    public static RolloutEpisode[] Run(InspectableNetwork network, Split split, IReadOnlyList<Level> levels, RolloutSettings settings,
        RolloutProgress? progress = null)
    {
        if (levels.Count == 0) return [];
        progress ??= new RolloutProgress();
        int cw = settings.CanvasWidth > 0 ? settings.CanvasWidth : levels.Max(l => l.Width);
        int ch = settings.CanvasHeight > 0 ? settings.CanvasHeight : levels.Max(l => l.Height);
        var batch = new WorldBatch(split, levels.Count, settings.Seed,
            new BatchOptions { AutoReset = false, CanvasWidth = cw, CanvasHeight = ch });
        int obsSize = batch.ObservationSize;
        var obs = new float[levels.Count * obsSize];
        var episodes = new RolloutEpisode[levels.Count];
        var rngs = new Rng[levels.Count];
        for (int i = 0; i < levels.Count; i++)
        {
            batch.ResetInstance(i, levels[i], obs);
            int n = levels[i].CellCount;
            var first = new int[n];
            Array.Fill(first, -1);
            first[levels[i].Start] = 0;
            var visited = new bool[n];
            visited[levels[i].Start] = true;
            episodes[i] = new RolloutEpisode(StepEvents.None, 0, visited, first);
            rngs[i] = new Rng(settings.Seed * 0x9E3779B97F4A7C15UL + (ulong)i + 1);
        }
        var done = new bool[levels.Count];
        var moves = new Move[levels.Count];
        var scratch = new float[levels.Count * obsSize];
        progress.AgentCells = batch.AgentCell;

        while (true)
        {
            var rows = Enumerable.Range(0, levels.Count).Where(i => !done[i]).ToArray();
            if (rows.Length == 0) break;
            progress.Rows = rows;
            for (int r = 0; r < rows.Length; r++)
                Array.Copy(obs, rows[r] * obsSize, scratch, r * obsSize, obsSize);
            float[] probs;
            using (var scope = NewDisposeScope())
            {
                var x = tensor(scratch.AsSpan(0, rows.Length * obsSize).ToArray(), [rows.Length, batch.Channels, ch, cw]);
                probs = network.ActionProbabilities(x).contiguous().data<float>().ToArray();
            }
            Array.Fill(moves, Move.Up);
            for (int r = 0; r < rows.Length; r++)
                moves[rows[r]] = settings.Greedy ? ArgMax(probs.AsSpan(r * 4, 4)) : Sample(probs.AsSpan(r * 4, 4), ref rngs[rows[r]]);
            batch.Step(moves, obs);
            foreach (int i in rows)
            {
                var e = episodes[i];
                int cell = batch.AgentCell[i];
                e.Visited[cell] = true;
                if (e.FirstVisit[cell] < 0) e.FirstVisit[cell] = batch.StepCount[i];
                episodes[i] = e with { Events = e.Events | batch.Events[i], Length = batch.StepCount[i] };
                if (batch.Terminated[i] || batch.Truncated[i] || (batch.Events[i] & settings.StopOn) != 0
                    || (settings.MaxSteps > 0 && batch.StepCount[i] >= settings.MaxSteps)
                    || (settings.TargetCells is not null && settings.TargetCells[i] == cell)) done[i] = true;
            }
        }
        return episodes;
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
