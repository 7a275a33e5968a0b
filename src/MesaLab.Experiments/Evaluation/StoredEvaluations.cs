namespace MesaLab.Experiments;

using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>Saves recorded episodes to the run store as compact trajectory blobs, and reads them back for re-analysis.</summary>
public static class StoredEvaluations
{
    /// <summary>Stores an evaluation with all its episodes in one transaction; <paramref name="runId"/> is null for scripted agents.</summary>
    public static EvaluationRecord Save(IRunStore store, string? runId, Split split, string agent, ulong seed, IReadOnlyList<EpisodeRecord> records)
    {
        var episodes = records.Select((r, i) => new StoredEpisode(i, r.LevelIndex, unchecked((long)r.LevelSeed), r.Return, r.Length,
            r.Terminated, r.Truncated, r.Encode())).ToList();
        return store.AddEvaluation(new NewEvaluation(runId, agent, split.World.Name, split.Name, split.Fingerprint(), unchecked((long)seed)), episodes);
    }

    /// <summary>The recorded episodes of a stored evaluation, decoded; a corrupt or truncated blob is a <see cref="UserError"/> naming it.</summary>
    public static IReadOnlyList<EpisodeRecord> Load(IRunStore store, long evaluationId)
    {
        store.GetEvaluation(evaluationId);
        return store.Episodes(evaluationId)
            .Select(e => EpisodeRecord.Decode(e.Trajectory, $"trajectory record of episode {e.Index} of evaluation {evaluationId}"))
            .ToList();
    }
}
