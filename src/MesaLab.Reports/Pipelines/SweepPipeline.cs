namespace MesaLab.Reports.Pipelines;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Learning;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;

/// <summary>What a sweep produced: its points and the sweep report's path.</summary>
public sealed record SweepResult(string Name, string Parameter, IReadOnlyList<SweepPoint> Points, string ReportPath, double Seconds);

/// <summary>
/// Runs a sweep (one training run per value, one after another on this machine), builds each run's report and
/// a sweep report plotting objective robustness against the swept value.
/// </summary>
public static class SweepPipeline
{
    public static SweepResult Run(IRunStore store, string configPath, string outDirectory, EvaluationSettings evaluation,
        IReadOnlyList<ConfigOverride> overrides, INarrator narrator, CancellationToken cancel = default)
    {
        if (!File.Exists(configPath)) throw new UserError($"config file '{configPath}' does not exist.");
        var (experimentYaml, sweep) = SweepSettings.Split(File.ReadAllText(configPath), configPath);
        var config = ExperimentConfig.Parse(experimentYaml, configPath, overrides);
        var clock = Stopwatch.StartNew();
        var points = new List<SweepPoint>();
        for (int i = 0; i < sweep.Values.Count; i++)
        {
            double value = sweep.Values[i];
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            narrator.Log($"sweep {i + 1}/{sweep.Values.Count}: {sweep.Parameter} = {text}");
            var runConfig = config.With([ConfigOverride.Option(sweep.Parameter, text, $"{configPath}: sweep value {i + 1}"),
                ConfigOverride.Option("name", $"{config.Name}-{Label(sweep).Replace(' ', '-')}-{text}", "sweep run name")]);
            var result = DemoPipeline.RunConfig(store, runConfig, Path.Combine(outDirectory, $"run-{i + 1}"), evaluation, narrator, cancel);
            var d = result.Data.Decomposition!;
            var deploy = result.Data.Outcomes.First(o => o.Split == d.DeploySplit).Overall;
            points.Add(new SweepPoint(value, result.Run.Id, result.ReportPath, d.ObjectiveRobustness, deploy.ObjectiveGeneralized,
                d.CapabilityRobustness, d.Robustness, d.DeployBehavioralObjective));
        }
        string path = SweepReport.Write(config.Name, sweep.Parameter, Label(sweep), sweep.Percent, points, outDirectory);
        return new SweepResult(config.Name, sweep.Parameter, points, path, clock.Elapsed.TotalSeconds);
    }

    public static string Label(SweepSettings s) => s.Label ?? s.Parameter.Split('.')[^1];
}
