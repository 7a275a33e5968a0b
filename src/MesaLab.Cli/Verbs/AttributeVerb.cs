namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab attribute RUN</c>: gradient×input and occlusion maps per input channel for one level.</summary>
public static class AttributeVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "attribute",
        "attribution maps (gradient×input and occlusion) per input channel for the network's move at the start of one level",
        [ConfigAliases.AttributionLevel],
        (run, checkpoint) => InspectionJobs.Attribute(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (AttributeResult)o;
            var a = r.Attribution;
            w.WriteLine($"attribution of move {a.Move} (p = {InspectionVerb.F(a.MoveProbabilities.Max())}) at the start of level {a.LevelIndex} of '{a.Split}'");
            w.WriteLine($"  {"channel",-12} {"|grad×input|",14} {"|occlusion|",12}");
            foreach (var c in a.Channels)
                w.WriteLine($"  {c.Channel,-12} {c.GradientTimesInputTotal,14:G4} {c.OcclusionTotal,12:G4}");
            w.WriteLine($"plots: {r.Plots.Count} maps{(r.Plots.Count > 0 ? " in " + Path.GetDirectoryName(r.Plots[0]) : "")}");
        });
}
