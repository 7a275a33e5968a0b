namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Deploys any <see cref="IPolicy"/> on a split and records every episode. Episode i is always played on
/// level index i of the split for the evaluation seed, whatever the batch size (see <see cref="EpisodeRunner"/>).
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
        var recorder = new EpisodeRecorder(split, seed, policy.Name, episodes);
        EpisodeRunner.Run(split, policy, new EpisodeRunSettings { Episodes = episodes, Seed = seed, BatchSize = batchSize }, recorder, progress, cancel);
        return recorder.Records;
    }
}
