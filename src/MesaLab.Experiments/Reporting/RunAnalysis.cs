namespace MesaLab.Experiments;

using System.Diagnostics;
using MesaLab.Analysis;
using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// The analysis of a stored run: evaluations of its train and deploy splits with the run's <c>evaluation</c> settings
/// (stored ones reused, missing ones made and stored), their outcomes and behavioral objectives, and the robustness
/// decomposition. What a run's report and a study's jobs both start from.
/// </summary>
/// <param name="Splits">The train split's analysis, then the deploy split's.</param>
/// <param name="EvaluateSeconds">Time spent deploying the agent (0 when both evaluations were stored).</param>
public sealed record RunAnalysis(IReadOnlyList<SplitAnalysis> Splits, RobustnessDecomposition Decomposition, LevelCache Cache,
    double EvaluateSeconds, double AnalyseSeconds)
{
    public SplitAnalysis Train => Splits[0];
    public SplitAnalysis Deploy => Splits[1];

    public static RunAnalysis Of(StoredRun run, INarrator narrator, CancellationToken cancel = default)
    {
        var store = run.Store;
        var config = run.Config;
        var evaluation = config.Section<EvaluationSettings>();
        var clock = Stopwatch.StartNew();
        var recordsBySplit = new List<(Split Split, IReadOnlyList<EpisodeRecord> Records)>();
        IPolicy? policy = null;
        try
        {
            foreach (var split in new[] { config.TrainSplit, config.DeploySplit })
            {
                var records = EvaluateJob.Stored(store, run.Id, split);
                if (records is null)
                {
                    policy ??= run.Policy(evaluation.Seed);
                    narrator.Stage($"evaluate {split.Name}", $"deploying {run.Label} on {evaluation.Episodes} {split} levels");
                    records = EvaluateJob.Deploy(split, policy, evaluation, narrator, cancel);
                    StoredEvaluations.Save(store, run.Id, split, policy.Name, evaluation.Seed, records);
                }
                else narrator.Log($"using the stored evaluation of {split} ({records.Count} episodes)");
                recordsBySplit.Add((split, records));
            }
        }
        finally { (policy as IDisposable)?.Dispose(); }
        double evaluateSeconds = clock.Elapsed.TotalSeconds;
        return Analyse(config, recordsBySplit, narrator) with { EvaluateSeconds = evaluateSeconds };
    }

    /// <summary>
    /// The analysis of a run's stored evaluations only, for viewers that must not write to the store: null when the train
    /// or deploy split has no stored evaluation yet (nothing is deployed or stored).
    /// </summary>
    public static RunAnalysis? OfStored(StoredRun run, INarrator narrator)
    {
        var config = run.Config;
        var recordsBySplit = new List<(Split Split, IReadOnlyList<EpisodeRecord> Records)>();
        foreach (var split in new[] { config.TrainSplit, config.DeploySplit })
        {
            if (EvaluateJob.Stored(run.Store, run.Id, split) is not { } records) return null;
            recordsBySplit.Add((split, records));
        }
        return Analyse(config, recordsBySplit, narrator);
    }

    private static RunAnalysis Analyse(ExperimentConfig config, List<(Split Split, IReadOnlyList<EpisodeRecord> Records)> recordsBySplit, INarrator narrator)
    {
        var evaluation = config.Section<EvaluationSettings>();
        var clock = Stopwatch.StartNew();
        narrator.Stage("analyse", "classifying outcomes, inferring the behavioral objective, decomposing robustness");
        var cache = new LevelCache();
        var analyses = new List<SplitAnalysis>();
        for (int i = 0; i < recordsBySplit.Count; i++)
        {
            var (split, records) = recordsBySplit[i];
            narrator.Progress(i, recordsBySplit.Count, split.Name);
            analyses.Add(new SplitAnalysis(split.Name, EvaluationAnalysis.Of(records, evaluation.Inference(), cache: cache, fitRewardWeights: evaluation.RewardWeights)));
        }
        var baseObjective = config.World.BaseObjective(config.TrainSplit);
        var intended = config.World.IntendedObjective(config.TrainSplit);
        var decomposition = RobustnessDecomposition.Compute(analyses[0].Analysis.Evidence(baseObjective, intended),
            analyses[1].Analysis.Evidence(baseObjective, intended), baseObjective.Name, intended.Name);
        narrator.Progress(recordsBySplit.Count, recordsBySplit.Count, "done");
        return new RunAnalysis(analyses, decomposition, cache, 0, clock.Elapsed.TotalSeconds);
    }
}
