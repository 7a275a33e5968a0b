namespace MesaLab.Experiments;

using System.Diagnostics;
using MesaLab.Store;

/// <summary>
/// Train, deploy, analyse and report one experiment — the one-command demo (the embedded defaults when no file is
/// given): trains the agent, evaluates it on the train and deploy splits, analyses outcomes, the behavioral objective
/// and the robustness decomposition, and writes the report, narrating each stage.
/// </summary>
public static class DemoJob
{
    public static ReportResult Run(IRunStore store, ExperimentConfig config, string outDirectory, INarrator narrator, CancellationToken cancel = default)
    {
        OutputPaths.CheckWritable(Path.Combine(outDirectory, Reports.RunReport.FileName), "--out");
        config.Section<EvaluationSettings>();
        var clock = Stopwatch.StartNew();
        var trained = TrainJob.Start(store, config, narrator, cancel);
        if (trained.Status != RunStatus.Completed)
            throw new OperationCanceledException($"training stopped ({trained.Status.ToText()}); continue with: mesalab train --resume {trained.Run.Id}");
        var timings = new List<Reports.StageTiming> { new("train", clock.Elapsed.TotalSeconds) };
        // The run's stored configuration keeps any evaluation settings this experiment gave, so the report uses them.
        return ReportJob.Run(StoredRun.Open(store, trained.Run.Id), outDirectory, narrator, timings, cancel);
    }
}
