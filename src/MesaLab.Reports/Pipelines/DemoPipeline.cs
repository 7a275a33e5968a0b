namespace MesaLab.Reports.Pipelines;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Learning;
using MesaLab.Store;
using MesaLab.Worlds.Config;

/// <summary>Settings of <c>mesalab demo</c>; the defaults are the README's first command.</summary>
/// <param name="Overrides">Configuration overrides on top of the embedded defaults (e.g. a smaller budget in tests).</param>
public sealed record DemoSettings(IReadOnlyList<ConfigOverride> Overrides, EvaluationSettings Evaluation)
{
    public static DemoSettings Default => new([], new EvaluationSettings());
}

/// <summary>
/// The one-command demo: trains the default green-arrow agent (embedded defaults, no config file), deploys it
/// on the train and deploy splits, analyses outcomes, the behavioral objective and the robustness
/// decomposition, and writes the report — narrating each stage.
/// </summary>
public static class DemoPipeline
{
    public static RunReportResult Run(IRunStore store, string outDirectory, DemoSettings settings, INarrator narrator, CancellationToken cancel = default)
    {
        settings.Evaluation.Validate();
        return RunConfig(store, ExperimentConfig.Load(null, settings.Overrides), outDirectory, settings.Evaluation, narrator, cancel);
    }

    /// <summary>Trains, evaluates, analyses and reports one experiment.</summary>
    public static RunReportResult RunConfig(IRunStore store, ExperimentConfig config, string outDirectory,
        EvaluationSettings evaluation, INarrator narrator, CancellationToken cancel = default)
    {
        evaluation.Validate();
        narrator.Stage("train", $"training a PPO agent on {config.World.Name}/{config.TrainSplitName} (the green arrow sits on the exit), seed {config.Seed}");
        var clock = Stopwatch.StartNew();
        var trained = TrainingRun.Start(store, config, cancel,
            p => narrator.Progress(p.Metrics.GlobalStep, p.TotalSteps,
                string.Create(CultureInfo.InvariantCulture, $"return {p.Metrics.EpisodicReturn:0.00}, success {p.Metrics.SuccessRate:P0}, {p.Metrics.Sps:0} steps/s")),
            narrator.Log);
        if (trained.Status != RunStatus.Completed)
            throw new OperationCanceledException($"training stopped ({trained.Status}); continue with: mesalab train --resume {trained.Run.Id}");
        var timings = new List<StageTiming> { new("train", clock.Elapsed.TotalSeconds) };
        return RunReportPipeline.Build(store, trained.Run.Id, outDirectory, evaluation, narrator, timings, cancel);
    }
}
