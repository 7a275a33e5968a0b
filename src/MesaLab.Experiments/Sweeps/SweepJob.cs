namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Reports;
using MesaLab.Store;

/// <summary>What a sweep produced: its points and the sweep report's path.</summary>
public sealed record SweepResult(string Name, string Parameter, IReadOnlyList<SweepPoint> Points, string ReportPath, double Seconds);

/// <summary>
/// A sweep: one demo (train, evaluate, analyse, report) per value of the <c>sweep</c> section's parameter, one after
/// another on this machine, and a sweep report plotting the robustness decomposition against the value.
/// </summary>
public static class SweepJob
{
    public static SweepResult Run(IRunStore store, ExperimentConfig config, string outDirectory, INarrator narrator, CancellationToken cancel = default)
    {
        var sweep = config.Section<SweepSettings>();
        foreach (var (field, problem) in sweep.CheckRunnable())
            throw new UserError($"{config.RawSection("sweep")?.Location.ToString() ?? config.Source}: sweep.{field} {problem} (configs/mitigation.yaml has an example).");
        OutputPaths.CheckWritable(Path.Combine(outDirectory, SweepReport.FileName), "--out");
        var experiment = config.Without("sweep");
        // Every value must give a valid experiment before the first run trains.
        var runs = sweep.Values.Select((value, i) =>
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return (Value: value, Config: experiment.With([ConfigOverride.Option(sweep.Parameter, text, $"{config.Source}: sweep value {i + 1}"),
                ConfigOverride.Option("name", $"{config.Name}-{sweep.AxisLabel.Replace(' ', '-')}-{text}", "sweep run name")]));
        }).ToList();
        var clock = Stopwatch.StartNew();
        var points = new List<SweepPoint>();
        for (int i = 0; i < runs.Count; i++)
        {
            var (value, runConfig) = runs[i];
            narrator.Log($"sweep {i + 1}/{runs.Count}: {sweep.Parameter} = {value.ToString("R", CultureInfo.InvariantCulture)}");
            var result = DemoJob.Run(store, runConfig, Path.Combine(outDirectory, $"run-{i + 1}"), narrator, cancel);
            var d = result.Data.Decomposition!;
            var deploy = result.Data.Outcomes.First(o => o.Split == d.DeploySplit).Overall;
            points.Add(new SweepPoint(value, result.Run.Id, result.ReportPath, d.ObjectiveRobustness, deploy.ObjectiveGeneralized,
                d.CapabilityRobustness, d.Robustness, d.DeployBehavioralObjective));
        }
        string path = SweepReport.Write(config.Name, sweep.Parameter, sweep.AxisLabel, sweep.Percent, points, outDirectory);
        return new SweepResult(config.Name, sweep.Parameter, points, path, clock.Elapsed.TotalSeconds);
    }
}
