namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab steer RUN</c>: per-level and averaged steering vectors with random controls; the change of the move at decision squares, and rollouts.</summary>
public static class SteerVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "steer",
        "steer the agent with per-level and averaged vectors (activation with the proxy where it is minus with it moved) and random vectors of equal norm; measure the move at decision squares and which goal rollouts reach first",
        [ConfigAliases.SteeringLayer, ConfigAliases.SteeringFeature, ConfigAliases.SteeringLevels, ConfigAliases.Coefficients, ConfigAliases.Counterfactual,
            ConfigAliases.NoRollouts, ConfigAliases.SteeringGreedy],
        (run, checkpoint) => InspectionJobs.Steer(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (SteeringResult)o;
            var s = r.Steering;
            w.WriteLine($"steering run {r.Run} at {s.Layer}: {s.Feature} where it is minus {s.Feature} {(s.Counterfactual == "removed" ? "removed" : "on the " + s.Goal)}; {s.Levels} of {s.LevelsTried} levels of '{s.Split}' have a decision square");
            w.WriteLine($"  ‖averaged‖ = {s.AveragedNorm:G4}, mean ‖per-level‖ = {s.MeanPerLevelNorm:G4}, mean cosine per-level/averaged = {InspectionVerb.F(s.MeanCosine)}");
            w.WriteLine($"  unsteered: P(towards the {s.Feature}) at decision squares = {s.Baseline.Format("0.000")}");
            w.WriteLine($"  {"vector",-22} {"c",6}  ΔP(towards the {s.Feature}) [95% CI]   ΔP(towards the {s.Goal})");
            foreach (var e in s.Effects)
                w.WriteLine($"  {e.Vector,-22} {e.Coefficient,6:G3}  {e.TowardProxyChange.Format("0.000"),-30} {e.TowardGoalChange.Format("0.000")}");
            if (s.Rollouts.Count > 0)
            {
                var goals = s.Rollouts[0].FirstReached.Keys.ToList();
                w.WriteLine($"  rollouts: {string.Join("  ", goals.Select(g => $"P({g} first)"))}");
                foreach (var pt in s.Rollouts)
                    w.WriteLine($"  {pt.Vector,-22} {pt.Coefficient,6:G3}  " + string.Join("  ", goals.Select(g => pt.FirstReached[g].Format("0.000").PadRight(22))));
            }
            w.WriteLine($"plots: {string.Join(", ", r.Plots)}");
        });
}
