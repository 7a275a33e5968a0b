namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Deploys any <see cref="IPolicy"/> on a split and records every episode. Episode i is always played on
/// level index i of the split for the evaluation seed, whatever the batch size, and instances that finish
/// are refilled with the next level, so the batch stays full. Observations are written only when the
/// policy reads them (scripted agents don't).
/// </summary>
public static class Evaluator
{
    /// <summary>Instances stepped together by default (one policy call per step for all of them).</summary>
    public const int DefaultBatchSize = 64;

    /// <param name="progress">Receives the number of finished episodes.</param>
    public static IReadOnlyList<EpisodeRecord> Run(Split split, IPolicy policy, int episodes, ulong seed,
        int batchSize = DefaultBatchSize, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int count = Math.Min(episodes, batchSize);
        var batch = new WorldBatch(split, count, seed, new BatchOptions { AutoReset = false });
        float[] observations = policy.NeedsObservations ? new float[count * batch.ObservationSize] : [];
        var moves = new Move[count];
        var records = new EpisodeRecord?[episodes];
        var actions = new List<Move>[count];
        var positions = new List<int>[count];
        var events = new List<StepEvents>[count];
        var episodeOf = new int[count];
        int next = 0, finished = 0;
        string fingerprint = split.Fingerprint();

        for (int i = 0; i < count; i++)
        {
            actions[i] = new List<Move>(64);
            positions[i] = new List<int>(64);
            events[i] = new List<StepEvents>(64);
            episodeOf[i] = next;
            batch.ResetInstance(i, next++, observations);
        }

        while (finished < episodes)
        {
            cancel.ThrowIfCancellationRequested();
            policy.Act(batch, observations, moves);
            batch.Step(moves, observations);
            for (int i = 0; i < count; i++)
            {
                if (episodeOf[i] < 0) continue;
                actions[i].Add(moves[i]);
                positions[i].Add(batch.AgentCell[i]);
                events[i].Add(batch.Events[i]);
                if (!batch.Terminated[i] && !batch.Truncated[i]) continue;
                var level = batch.Levels[i];
                records[episodeOf[i]] = new EpisodeRecord
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
                    Agent = policy.Name,
                    Actions = [.. actions[i]],
                    Positions = [.. positions[i]],
                    Events = [.. events[i]],
                    Return = batch.FinalReturn[i],
                    Terminated = batch.Terminated[i],
                    Truncated = batch.Truncated[i],
                };
                actions[i].Clear(); positions[i].Clear(); events[i].Clear();
                finished++;
                progress?.Report(finished);
                if (next < episodes)
                {
                    episodeOf[i] = next;
                    batch.ResetInstance(i, next++, observations);
                }
                else episodeOf[i] = -1;
            }
        }
        return records!;
    }
}
