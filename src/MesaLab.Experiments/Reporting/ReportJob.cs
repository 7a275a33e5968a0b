namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Analysis;
using MesaLab.Reports;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>What building a run's report produced: the data, the HTML file and the terminal/JSON summary.</summary>
public sealed record ReportResult(RunRecord Run, ReportData Data, string ReportPath, ReportSummary Summary);

/// <summary>
/// The report of a stored run: reads the run, its configuration and metrics, analyses it (<see cref="RunAnalysis"/>:
/// evaluations of its train and deploy splits, outcomes, behavioral objective, robustness decomposition) and writes
/// <c>report.html</c>.
/// </summary>
public static class ReportJob
{
    public static ReportResult Run(StoredRun run, string outDirectory, INarrator narrator, IReadOnlyList<StageTiming>? earlierTimings = null,
        CancellationToken cancel = default)
    {
        var store = run.Store;
        var config = run.Config;
        string reportPath = Path.Combine(outDirectory, RunReport.FileName);
        OutputPaths.CheckWritable(reportPath, "--out");
        var timings = new List<StageTiming>(earlierTimings ?? []);
        if (timings.Count == 0 && run.Record.Kind == ResultKinds.TrainRun && run.Record.WallSeconds > 0) timings.Add(new StageTiming("train", run.Record.WallSeconds));

        var analysis = RunAnalysis.Of(run, narrator, cancel);
        if (analysis.EvaluateSeconds > 0.5) timings.Add(new StageTiming("evaluate", analysis.EvaluateSeconds));
        var (analyses, decomposition, cache) = (analysis.Splits, analysis.Decomposition, analysis.Cache);
        timings.Add(new StageTiming("analyse", analysis.AnalyseSeconds));

        var clock = Stopwatch.StartNew();
        narrator.Stage("report", $"writing {reportPath}");
        var summary = Summary(run);
        var metrics = store.Metrics(run.Id).GroupBy(m => m.Name)
            .Select(g => new TrainingMetric(g.Key, [.. g.Select(m => (double)m.EnvStep)], [.. g.Select(m => m.Value)])).ToList();
        var data = AnalysisReportData.Build(summary with { Timings = timings }, metrics, analyses, decomposition, cache)
            with { Transparency = TransparencyReportData.From(store, run.Id) };
        string path = RunReport.Write(data, outDirectory);
        timings.Add(new StageTiming("report", clock.Elapsed.TotalSeconds));
        data = data with { Run = data.Run with { Timings = timings } };
        return new ReportResult(run.Record, data, path, ReportSummary.From(data, path));
    }

    /// <summary>What the report's header says about a run: identity, world, objectives, splits, seed, steps and configuration.</summary>
    public static RunSummary Summary(StoredRun run)
    {
        var config = run.Config;
        var world = config.World;
        var last = run.Store.LastMetrics(run.Id);
        return new RunSummary
        {
            Id = run.Id,
            World = world.Name,
            Agent = $"{run.Record.Kind} run {run.Name}",
            BaseObjective = world.BaseObjective(config.TrainSplit).Name,
            IntendedObjective = world.IntendedObjective(config.TrainSplit).Name,
            Seed = (ulong)run.Record.Seed,
            EnvSteps = last.Count > 0 ? last.Max(m => m.EnvStep) : 0,
            CreatedAt = run.Record.Created,
            Splits = [.. new[] { config.TrainSplit, config.DeploySplit }.Select(s => new SplitDescription(s.Name, s.Description,
                string.Join(", ", s.Values.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}"))))],
            Config = run.Record.Config,
        };
    }
}
