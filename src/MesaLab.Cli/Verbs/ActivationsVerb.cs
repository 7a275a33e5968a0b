namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab activations RUN</c>: record every layer of the run's network over probe states and cache them with the run.</summary>
public static class ActivationsVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "activations",
        "record the network's activations on generated levels and cache them in the workspace with the run",
        [ConfigAliases.InspectionLevels, ConfigAliases.States, ConfigAliases.Layers],
        (run, checkpoint) => InspectionJobs.Activations(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (ActivationsResult)o;
            w.WriteLine($"recorded {r.Samples} states × {r.Layers.Count} layers of run {r.Run} → {r.Path}");
            foreach (var l in r.Layers) w.WriteLine($"  {l.Name,-20} [{string.Join("×", l.Shape)}]");
            w.WriteLine($"all layers: {string.Join(", ", r.AllLayers)}");
        });
}
