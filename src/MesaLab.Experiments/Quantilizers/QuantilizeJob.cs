namespace MesaLab.Experiments;

using System.Diagnostics;
using MesaLab.Learning;
using MesaLab.Quantilizers;
using MesaLab.Reports.Quantilizers;
using MesaLab.Store;

/// <summary>What a quantilizer experiment produced.</summary>
/// <param name="Run">The stored run (null with <c>--no-store</c>).</param>
/// <param name="PlotPath">The Goodhart plot written (null when none was asked for).</param>
public sealed record QuantilizeResult(RunRecord? Run, string? Store, GoodhartCurve Curve, string? PlotPath, double Seconds);

/// <summary>
/// Quantilizers on garden levels (section <c>quantilizer</c>): bases, trajectory and per-action quantilizers, bits, the
/// Goodhart curve, Taylor's cost bound and a PPO maximizer of the proxy, as a stored run whose metrics are the
/// maximizer's PPO updates. Without a file the experiment is <c>configs/quantilize.yaml</c>, embedded.
/// </summary>
public static class QuantilizeJob
{
    public static readonly IReadOnlyList<string> Sections = ["quantilizer"];

    /// <summary>The built-in experiment: the text of <c>configs/quantilize.yaml</c>.</summary>
    public static string DefaultExperiment
    {
        get
        {
            using var stream = typeof(QuantilizeJob).Assembly.GetManifestResourceStream("MesaLab.Experiments.quantilize.yaml")
                ?? throw new InvalidOperationException("the embedded configs/quantilize.yaml is missing from MesaLab.Experiments.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    public const string DefaultSource = "built-in quantilize experiment (configs/quantilize.yaml)";

    /// <summary>Loads the experiment: <paramref name="path"/> or the built-in one, then the overrides.</summary>
    public static ExperimentConfig Load(string? path, IReadOnlyList<ConfigOverride> overrides) =>
        path is null ? ExperimentConfig.Parse(DefaultExperiment, DefaultSource, overrides) : ExperimentConfig.Load(path, overrides);

    public static QuantilizeResult Run(IRunStore? store, ExperimentConfig config, string? plotPath, INarrator narrator)
    {
        var settings = config.Section<QuantilizerSettings>();
        var split = config.Split(settings.Split);
        GoodhartExperiment.Gardens(settings, split, (ulong)config.Seed, config.Source);
        if (plotPath is not null) OutputPaths.CheckWritable(plotPath, "--plot");
        TorchSetup.SetThreads(config.Threads);
        var clock = Stopwatch.StartNew();
        using var session = store is null ? null : RunSession.Create(store, config, ResultKinds.QuantilizeRun, Sections);
        if (session is not null) narrator.Log($"quantilize: run {session.Run.Id} ({session.Run.Name}) in {store!.Location}");
        GoodhartCurve Work(RunSession? s) =>
            GoodhartExperiment.Run(settings, split, (ulong)config.Seed, narrator.Log, config.Source, s is null ? null : s.AddMetrics);
        var curve = session is null ? Work(null) : session.Execute(Work);
        narrator.Log($"quantilize: done in {clock.Elapsed.TotalSeconds:F1} s");
        RunRecord? run = null;
        if (session is not null)
        {
            session.AddResult(ResultKinds.GoodhartCurve, "goodhart-curve", curve);
            run = session.Finish(RunStatus.Completed);
        }
        if (plotPath is not null)
        {
            GoodhartPlot.Save(curve, plotPath);
            narrator.Log($"quantilize: wrote {plotPath}");
        }
        return new QuantilizeResult(run, store?.Location, curve, plotPath, clock.Elapsed.TotalSeconds);
    }
}
