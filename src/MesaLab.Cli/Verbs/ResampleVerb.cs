namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab resample RUN</c>: replace the activation at the proxy's, the goal's or a random cell with another level's, and measure the move at decision squares.</summary>
public static class ResampleVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "resample",
        "resampling ablations: replace the activation at the proxy's cell (and, as comparisons, the goal's and a random cell's) with another level's, per layer, and measure the move at decision squares",
        [ConfigAliases.ResamplingLevels, ConfigAliases.ResamplingLayers],
        (run, checkpoint) => InspectionJobs.Resample(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (ResamplingResult)o;
            var s = r.Resampling;
            w.WriteLine($"resampling, run {r.Run}, split '{s.Split}', {s.Levels} levels; unablated P(towards the {s.Proxy}) = {s.BaselineTowardProxy.Format("0.000")}, towards the {s.Goal} = {s.BaselineTowardGoal.Format("0.000")}");
            w.WriteLine($"  {"layer",-14} {"cell",-7} ΔP(towards the {s.Proxy}) [95% CI]   ΔP(towards the {s.Goal})");
            foreach (var e in s.Effects)
                w.WriteLine($"  {e.Layer,-14} {e.Cell,-7} {e.TowardProxyChange.Format("0.000"),-30} {e.TowardGoalChange.Format("0.000")}");
            w.WriteLine($"plots: {string.Join(", ", r.Plots)}");
        });
}
