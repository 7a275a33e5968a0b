namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab probe RUN</c>: linear probes per layer and target with controls, plus the search-likeness test.</summary>
public static class ProbeVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "probe",
        "decode positions, goal directions and the next move from every layer with linear probes (held out, with controls)",
        [ConfigAliases.InspectionLevels, ConfigAliases.States, ConfigAliases.Layers, ConfigAliases.NoRandomInit, ConfigAliases.NoSearch],
        (run, checkpoint) => InspectionJobs.Probe(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (ProbeResult)o;
            var probes = r.Probes;
            w.WriteLine($"held-out probe accuracy, run {r.Run}, split '{probes.Split}' ({probes.Samples} states); in brackets: chance / shuffled labels / random init");
            foreach (var t in probes.Targets)
            {
                w.WriteLine($"  {t.Name}");
                foreach (var l in probes.Layers)
                {
                    var row = probes.Row(t.Name, l)!;
                    w.WriteLine($"    {l,-18} {InspectionVerb.F(row.Accuracy)}  [{InspectionVerb.F(row.Chance)} / {InspectionVerb.F(row.ShuffledLabels)} / {(row.RandomInit is { } ri ? InspectionVerb.F(ri) : "—")}]{(row.Converged ? "" : "  (probe did not converge)")}");
                }
            }
            int unconverged = probes.Rows.Count(row => !row.Converged);
            if (unconverged > 0) w.WriteLine($"{unconverged} of {probes.Rows.Count} probes did not converge (probe.iterations, probe.convergence_tolerance); their accuracies are lower bounds of what a linear probe decodes");
            w.WriteLine($"plot: {r.ProbePlot}");
            if (r.SearchLikeness is { } search)
            {
                w.WriteLine("search-likeness (arrow on the exit; the shortest-path agent scores 1 / 1):");
                foreach (var s in search.BySize)
                    w.WriteLine($"  size {s.Value,2}: success {s.Success.Format("0.000")}, path efficiency {InspectionVerb.F(s.Efficiency)}");
                foreach (var s in search.Skipped) w.WriteLine($"  skipped {s}");
                if (r.SearchPlot is not null) w.WriteLine($"plot: {r.SearchPlot}");
            }
        });
}
