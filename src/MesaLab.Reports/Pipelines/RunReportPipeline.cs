namespace MesaLab.Reports.Pipelines;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Analysis;
using MesaLab.Learning;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;
using MesaLab.Worlds.Recording;

/// <summary>What building a run's report produced: the data, the HTML file and the terminal/JSON summary.</summary>
public sealed record RunReportResult(RunRecord Run, ReportData Data, string ReportPath, ReportSummary Summary);

/// <summary>Settings for evaluating a run when its store has no evaluation of a split yet.</summary>
/// <param name="Episodes">Episodes per split.</param>
/// <param name="Seed">Evaluation seed (level stream); the same seed gives the same levels.</param>
public sealed record EvaluationSettings(int Episodes = 200, ulong Seed = 20_000)
{
    public void Validate()
    {
        if (Episodes < 1) throw new UserError($"--episodes is {Episodes}, but it must be at least 1.");
    }
}

/// <summary>
/// Builds the report of a stored run: reads the run, its configuration and metrics, finds (or makes and stores)
/// evaluations of its train and deploy splits, analyses them (outcomes, behavioral objective, robustness
/// decomposition) and writes <c>report.html</c>.
/// </summary>
public static class RunReportPipeline
{
    public static RunReportResult Build(IRunStore store, string runIdOrName, string outDirectory, EvaluationSettings evaluation,
        INarrator narrator, IReadOnlyList<StageTiming>? earlierTimings = null, CancellationToken cancel = default)
    {
        evaluation.Validate();
        var run = store.GetRun(runIdOrName);
        var config = ExperimentConfig.Parse(run.Config, $"the configuration stored with run {run.Id}");
        var timings = new List<StageTiming>(earlierTimings ?? []);
        if (timings.Count == 0 && run.Kind == TrainingRun.Kind && run.WallSeconds > 0) timings.Add(new StageTiming("train", run.WallSeconds));

        var clock = Stopwatch.StartNew();
        var recordsBySplit = new List<(Split Split, IReadOnlyList<EpisodeRecord> Records)>();
        LearnedPolicy? policy = null;
        try
        {
            foreach (var split in new[] { config.TrainSplit, config.DeploySplit })
            {
                var records = StoredEpisodes(store, run, split);
                if (records is null)
                {
                    policy ??= LoadPolicy(store, run, evaluation.Seed);
                    narrator.Stage($"evaluate {split.Name}", $"deploying run {run.Id} on {evaluation.Episodes} {split} levels");
                    records = Evaluator.Run(split, policy, evaluation.Episodes, evaluation.Seed, progress: new SyncProgress(n => narrator.Progress(n, evaluation.Episodes, "episodes")), cancel: cancel);
                    StoredEvaluations.Save(store, run.Id, split, policy.Name, evaluation.Seed, records);
                }
                else narrator.Log($"using the stored evaluation of {split} ({records.Count} episodes)");
                recordsBySplit.Add((split, records));
            }
        }
        finally { policy?.Dispose(); }
        if (clock.Elapsed.TotalSeconds > 0.5) timings.Add(new StageTiming("evaluate", clock.Elapsed.TotalSeconds));

        clock.Restart();
        narrator.Stage("analyse", "classifying outcomes, inferring the behavioral objective, decomposing robustness");
        var cache = new LevelCache();
        var analyses = new List<SplitAnalysis>();
        for (int i = 0; i < recordsBySplit.Count; i++)
        {
            var (split, records) = recordsBySplit[i];
            narrator.Progress(i, recordsBySplit.Count, split.Name);
            analyses.Add(new SplitAnalysis(split.Name, EvaluationAnalysis.Of(records, cache: cache)));
        }
        var baseObjective = config.World.BaseObjective(config.TrainSplit);
        var intended = config.World.IntendedObjective(config.TrainSplit);
        var decomposition = RobustnessDecomposition.Compute(analyses[0].Analysis.Evidence(baseObjective, intended),
            analyses[1].Analysis.Evidence(baseObjective, intended), baseObjective.Name, intended.Name);
        narrator.Progress(recordsBySplit.Count, recordsBySplit.Count, "done");
        timings.Add(new StageTiming("analyse", clock.Elapsed.TotalSeconds));

        clock.Restart();
        narrator.Stage("report", $"writing {Path.Combine(outDirectory, RunReport.FileName)}");
        var summary = Summary(run, config, store);
        var metrics = store.Metrics(run.Id).GroupBy(m => m.Name)
            .Select(g => new TrainingMetric(g.Key, [.. g.Select(m => (double)m.EnvStep)], [.. g.Select(m => m.Value)])).ToList();
        var data = AnalysisReportData.Build(summary with { Timings = timings }, metrics, analyses, decomposition, cache);
        string path = RunReport.Write(data, outDirectory);
        timings.Add(new StageTiming("report", clock.Elapsed.TotalSeconds));
        data = data with { Run = data.Run with { Timings = timings } };
        return new RunReportResult(run, data, path, ReportSummary.From(data, path));
    }

    /// <summary>The latest stored evaluation of this run on exactly this split (same parameter values), decoded; null if none.</summary>
    private static IReadOnlyList<EpisodeRecord>? StoredEpisodes(IRunStore store, RunRecord run, Split split)
    {
        var evaluation = store.Evaluations(run.Id)
            .Where(e => e.Split == split.Name && e.SplitFingerprint == split.Fingerprint() && e.EpisodeCount > 0)
            .OrderByDescending(e => e.Created).FirstOrDefault();
        if (evaluation is null) return null;
        return [.. store.Episodes(evaluation.Id).OrderBy(e => e.Index)
            .Select(e => EpisodeCodec.Decode(e.Trajectory, $"episode {e.Index} of evaluation {evaluation.Id}"))];
    }

    private static LearnedPolicy LoadPolicy(IRunStore store, RunRecord run, ulong seed)
    {
        var checkpoint = store.LatestCheckpoint(run.Id) ?? throw new UserError(
            $"run {run.Id} ({run.Name}) has no stored evaluation and no checkpoint to evaluate; train it with 'mesalab train' or evaluate it with 'mesalab evaluate'.");
        var path = Path.Combine(store.Workspace, checkpoint.Path);
        if (!File.Exists(path)) throw new UserError($"run {run.Id}: checkpoint file {path} is missing; the workspace given with --workspace must hold the run's files.");
        return LearnedPolicy.Load(path, greedy: false, seed: seed);
    }

    private static RunSummary Summary(RunRecord run, ExperimentConfig config, IRunStore store)
    {
        var world = config.World;
        var last = store.LastMetrics(run.Id);
        return new RunSummary
        {
            Id = run.Id,
            World = world.Name,
            Agent = $"{run.Kind} run {run.Name}",
            BaseObjective = world.BaseObjective(config.TrainSplit).Name,
            IntendedObjective = world.IntendedObjective(config.TrainSplit).Name,
            Seed = (ulong)run.Seed,
            EnvSteps = last.Count > 0 ? last.Max(m => m.EnvStep) : 0,
            CreatedAt = run.Created,
            Splits = [.. new[] { config.TrainSplit, config.DeploySplit }.Select(s => new SplitDescription(s.Name, s.Description,
                string.Join(", ", s.Values.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}"))))],
            Config = config.ToYaml(),
        };
    }

    /// <summary>Reports progress on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
