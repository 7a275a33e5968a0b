namespace MesaLab.Experiments;

using System.Diagnostics;
using MesaLab.Analysis;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>What an evaluation deployed and what analysis made of it.</summary>
/// <param name="EvaluationId">The stored evaluation (null when not stored).</param>
/// <param name="RunId">The evaluated run (null for a scripted agent).</param>
public sealed record EvaluationResult(long? EvaluationId, string? RunId, string Agent, Split Split, ulong Seed,
    IReadOnlyList<EpisodeRecord> Records, EvaluationAnalysis Analysis, double EvaluationSeconds, double AnalysisSeconds)
{
    public World World => Split.World;

    /// <summary>The result as a document: stored with the evaluation (kind <c>analysis</c>) and printed by <c>--json</c>.</summary>
    public EvaluationDocument Document() => EvaluationDocument.Of(this);
}

/// <summary>
/// Deploying an agent on a split: a trained run's checkpoint or a scripted agent, episodes recorded, outcomes
/// classified, the behavioral objective inferred, everything stored with the run (or as a scripted evaluation).
/// The evaluation seed (<c>evaluation.seed</c>) fixes the levels and the agent's sampling.
/// </summary>
public static class EvaluateJob
{
    /// <summary>Deploys a stored run's checkpoint (default: the latest) on <paramref name="splitName"/> of its experiment.</summary>
    public static EvaluationResult Run(StoredRun run, string splitName, EvaluationSettings settings, bool store, INarrator narrator,
        long? checkpoint = null, CancellationToken cancel = default)
    {
        var split = run.Config.Split(splitName);
        using var policy = run.Policy(settings.Seed, checkpoint);
        return Evaluate(store ? run.Store : null, run.Id, split, policy, settings, narrator, cancel);
    }

    /// <summary>Deploys a scripted agent (<c>random</c>, <c>shortest-path:CANDIDATE</c>, <c>mixture:CANDIDATE=WEIGHT,…</c>) on a split of <paramref name="config"/>.</summary>
    public static EvaluationResult RunScripted(IRunStore? store, ExperimentConfig config, string agent, double epsilon, string splitName,
        EvaluationSettings settings, INarrator narrator, CancellationToken cancel = default)
    {
        var split = config.Split(splitName);
        var policy = AgentSpec.Parse(agent, epsilon, settings.Seed, config.World);
        return Evaluate(store, null, split, policy, settings, narrator, cancel);
    }

    /// <summary>Analyses a stored evaluation again from its recorded trajectories (no agent needed).</summary>
    public static EvaluationResult Reanalyse(IRunStore store, long evaluationId, EvaluationSettings settings, INarrator narrator)
    {
        var evaluation = store.GetEvaluation(evaluationId);
        var records = StoredEvaluations.Load(store, evaluationId);
        if (records.Count == 0) throw new UserError($"evaluation {evaluationId} has no episodes to analyse.");
        narrator.Log($"re-analysing evaluation {evaluationId}: {evaluation.Agent} on {evaluation.World}/{evaluation.Split}, {records.Count} episodes");
        var clock = Stopwatch.StartNew();
        var analysis = EvaluationAnalysis.Of(records, settings.Inference(), fitRewardWeights: settings.RewardWeights);
        return new EvaluationResult(evaluationId, evaluation.RunId, evaluation.Agent, Replay.SplitOf(records[0]), unchecked((ulong)evaluation.Seed),
            records, analysis, 0, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Plays <paramref name="settings"/>.Episodes episodes (episode i on level i) and records them, with progress.</summary>
    public static IReadOnlyList<EpisodeRecord> Deploy(Split split, IPolicy policy, EvaluationSettings settings, INarrator narrator, CancellationToken cancel = default) =>
        Evaluator.Run(split, policy, settings.Episodes, settings.Seed, settings.Batch,
            new SynchronousProgress(n => narrator.Progress(n, settings.Episodes, "episodes")), cancel);

    /// <summary>The latest stored evaluation of a run on exactly this split (same parameter values), decoded; null if none.</summary>
    public static IReadOnlyList<EpisodeRecord>? Stored(IRunStore store, string runId, Split split)
    {
        var evaluation = store.Evaluations(runId)
            .Where(e => e.Split == split.Name && e.SplitFingerprint == split.Fingerprint() && e.EpisodeCount > 0)
            .OrderByDescending(e => e.Created).FirstOrDefault();
        return evaluation is null ? null : StoredEvaluations.Load(store, evaluation.Id);
    }

    private static EvaluationResult Evaluate(IRunStore? store, string? runId, Split split, IPolicy policy, EvaluationSettings settings,
        INarrator narrator, CancellationToken cancel)
    {
        narrator.Stage($"evaluate {split.Name}", $"deploying {policy.Name} on {settings.Episodes} {split.World.Name}/{split.Name} levels, evaluation seed {settings.Seed}");
        var clock = Stopwatch.StartNew();
        var records = Deploy(split, policy, settings, narrator, cancel);
        double evaluationSeconds = clock.Elapsed.TotalSeconds;
        narrator.Stage("analyse", "outcomes and behavioral objective (inverse RL: single goal and mixture of goals)");
        clock.Restart();
        var analysis = EvaluationAnalysis.Of(records, settings.Inference(), fitRewardWeights: settings.RewardWeights);
        var result = new EvaluationResult(null, runId, policy.Name, split, settings.Seed, records, analysis, evaluationSeconds, clock.Elapsed.TotalSeconds);
        if (store is null) return result;
        var stored = StoredEvaluations.Save(store, runId, split, policy.Name, settings.Seed, records);
        result = result with { EvaluationId = stored.Id };
        store.AddResult(runId, stored.Id, ResultKinds.Analysis, "evaluation", MesaLabJson.Serialize(result.Document()));
        narrator.Log($"stored evaluation {stored.Id} in {store.Location}");
        return result;
    }
}

/// <summary>Reports progress on the calling thread (<see cref="Progress{T}"/> would post to the thread pool and reorder lines).</summary>
public sealed class SynchronousProgress(Action<int> report) : IProgress<int>
{
    public void Report(int value) => report(value);
}
