namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Cli.Rendering;
using MesaLab.Experiments;
using MesaLab.Store;
using Spectre.Console;

/// <summary><c>mesalab sweep CONFIG</c>: retrain an experiment once per value of its <c>sweep:</c> field and plot the robustness decomposition against it.</summary>
public static class SweepVerb
{
    private static readonly ConfigAlias[] Aliases = [ConfigAliases.Seed, ConfigAliases.Threads, ConfigAliases.Steps, ConfigAliases.Episodes, ConfigAliases.EvaluationSeed];

    public static Command Create(CliContext cli)
    {
        var config = new Argument<string>("CONFIG") { Description = "an experiment file with a sweep: section, e.g. configs/mitigation.yaml" }.NotBlank();
        var outDir = new Option<string>("--out") { Description = "directory for sweep.html and each run's report (default ./mesalab-sweep)", DefaultValueFactory = _ => "mesalab-sweep" }.NotBlank();
        var cmd = new Command("sweep", "run an experiment once per value of its sweep: parameter (one after another) and plot objective robustness against it");
        cmd.Arguments.Add(config);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { outDir, CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var experiment = ExperimentConfig.Load(p.GetValue(config)!, ConfigAliases.Overrides(p, Aliases));
            var narrator = cli.Output.Narrator();
            using var store = RunStores.OpenWorkspace(CommonOptions.Workspace(p));
            var result = SweepJob.Run(store, experiment, p.GetValue(outDir)!, narrator, cli.Cancel);
            narrator.EndLine();
            cli.Output.Result(result, o =>
            {
                var table = new Table { Title = new TableTitle(Markup.Escape($"sweep {result.Name}: {result.Parameter}")), Border = TableBorder.Rounded };
                foreach (var c in new[] { "value", "run", "objective robustness", "objective generalized", "capability robustness", "deploy behavioral objective" }) table.AddColumn(c);
                foreach (var pt in result.Points)
                    table.AddRow(Markup.Escape(pt.Value.ToString("0.####", CultureInfo.InvariantCulture)), pt.RunId, Markup.Escape(pt.ObjectiveRobustness.Format()),
                        Markup.Escape(pt.ObjectiveGeneralized.Format()), Markup.Escape(pt.CapabilityRobustness.Format()), Markup.Escape(pt.DeployBehavioralObjective));
                Tables.Console(o).Write(table);
                o.WriteLine($"sweep report: {result.ReportPath} ({result.Seconds / 60:0.0} min)");
            });
            return 0;
        });
        return cmd;
    }
}
