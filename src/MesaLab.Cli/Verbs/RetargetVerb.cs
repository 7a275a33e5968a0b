namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab retarget RUN</c>: edit the goal location the network encodes so the agent heads for arbitrary cells.</summary>
public static class RetargetVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "retarget",
        "move the goal location encoded inside the network to arbitrary cells; success by distance and a shortest-path probability heatmap",
        [ConfigAliases.RetargetLayer, ConfigAliases.RetargetGoal, ConfigAliases.RetargetLevels, ConfigAliases.Strength, ConfigAliases.RetargetGreedy],
        (run, checkpoint) => InspectionJobs.Retarget(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (RetargetResult)o;
            var s = r.Retargeting;
            w.WriteLine($"retargeting run {r.Run}: edit at {s.Layer} (goal '{s.Goal}', strength {s.Strength}), {s.Levels} levels of '{s.Split}'");
            w.WriteLine($"  reached the target: {s.Overall.Format("0.000")}; unedited {InspectionVerb.F(s.OverallUnedited.Value)}");
            foreach (var b in s.ByDistance)
                w.WriteLine($"  distance {b.MinDistance}{(b.MaxDistance == int.MaxValue ? "+" : "–" + b.MaxDistance)}: {InspectionVerb.F(b.Retargeted.Value)} (n = {b.Levels}), unedited {InspectionVerb.F(b.Unedited.Value)}");
            w.WriteLine($"plots: {string.Join(", ", r.Plots)}");
        });
}
