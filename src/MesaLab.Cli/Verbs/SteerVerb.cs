namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab steer RUN</c>: add a steering vector with coefficient c and measure which goal the agent reaches first.</summary>
public static class SteerVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "steer",
        "steer the agent with a vector (mean activation difference with vs without the proxy) and measure P(goal reached first) vs c",
        [ConfigAliases.SteeringLayer, ConfigAliases.SteeringFeature, ConfigAliases.SteeringLevels, ConfigAliases.Coefficients, ConfigAliases.SteeringGreedy],
        (run, checkpoint) => InspectionJobs.Steer(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (SteeringResult)o;
            var s = r.Steering;
            var goals = s.Points[0].FirstReached.Keys.ToList();
            w.WriteLine($"steering run {r.Run} at {s.Layer} with the {s.Feature} vector (‖v‖ = {s.VectorNorm:G4}), {s.Levels} levels of '{s.Split}'");
            w.WriteLine($"  {"c",6}  " + string.Join("  ", goals.Select(g => $"P({g} first) [95% CI]".PadRight(28))));
            foreach (var pt in s.Points)
                w.WriteLine($"  {pt.Coefficient,6:G3}  " + string.Join("  ", goals.Select(g => pt.FirstReached[g].Format("0.000").PadRight(28))));
            w.WriteLine($"plot: {r.Plot}");
        });
}
