namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab retarget RUN</c>: localize the goal in channels, then move it to arbitrary cells; success within a step budget against a same-size control and no edit.</summary>
public static class RetargetVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "retarget",
        "localize the goal in the channels of every spatial layer and move it to arbitrary cells; success within k × the shortest path, against a random-channel edit of the same size and no edit",
        [ConfigAliases.RetargetLayer, ConfigAliases.RetargetGoal, ConfigAliases.RetargetLevels, ConfigAliases.Strength, ConfigAliases.RetargetMethod,
            ConfigAliases.RetargetChannels, ConfigAliases.BudgetFactor, ConfigAliases.RetargetGreedy],
        (run, checkpoint) => InspectionJobs.Retarget(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (RetargetResult)o;
            var s = r.Retargeting;
            w.WriteLine($"retargeting run {r.Run}: method {s.Method} at {s.Layer} (goal '{s.Goal}', strength {s.Strength}), {s.Levels} levels of '{s.Split}', budget {s.BudgetFactor:0.##} × the shortest path");
            foreach (var goal in s.Localization.Select(l => l.Goal).Distinct())
            {
                w.WriteLine($"  channels tracking the {goal} (best channel: correlation / shuffled control):");
                foreach (var l in s.Localization.Where(l => l.Goal == goal))
                {
                    var best = l.Ranked.First();
                    w.WriteLine($"    {l.Layer,-14} channel {best.Channel}: {InspectionVerb.F(best.Correlation)} / {InspectionVerb.F(best.ShuffledCorrelation)}");
                }
            }
            foreach (var c in s.Conditions)
            {
                w.WriteLine($"  {c.Name,-9} {c.Success.Format("0.000")}  ({c.Description})");
                foreach (var b in c.ByDistance)
                    w.WriteLine($"    distance {b.MinDistance}{(b.MaxDistance == int.MaxValue ? "+" : "–" + b.MaxDistance)}: {b.Success.Format("0.000")} (n = {b.Levels})");
            }
            w.WriteLine($"plots: {string.Join(", ", r.Plots)}");
        });
}
