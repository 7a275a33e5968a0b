namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Reports;
using MesaLab.Reports.Pipelines;
using MesaLab.Store;
using MesaLab.Worlds.Config;
using Spectre.Console;

/// <summary><c>mesalab sweep CONFIG</c>: retrain an experiment once per value of its <c>sweep:</c> field and plot the robustness decomposition against it.</summary>
public static class SweepVerb
{
    public static Command Create()
    {
        var config = new Argument<string>("CONFIG") { Description = "an experiment file with a sweep: section, e.g. configs/mitigation.yaml" };
        var outDir = new Option<string>("--out") { Description = "directory for sweep.html and each run's report (default ./mesalab-sweep)", DefaultValueFactory = _ => "mesalab-sweep" };
        var set = new Option<string[]>("--set") { Description = "override a configuration field for every run, e.g. --set ppo.total_steps=200000 (repeatable)" };
        var cmd = new Command("sweep", "run an experiment once per value of its sweep: parameter (one after another) and plot objective robustness against it");
        cmd.Arguments.Add(config);
        cmd.Options.Add(outDir);
        cmd.Options.Add(ReportVerb.Workspace);
        cmd.Options.Add(ReportVerb.Episodes);
        cmd.Options.Add(ReportVerb.Seed);
        cmd.Options.Add(set);
        cmd.SetAction((parse, cancel) =>
        {
            var path = parse.GetValue(config)!;
            if (!File.Exists(path)) throw new MesaLab.Core.UserError($"configuration file '{path}' does not exist.");
            var overrides = (parse.GetValue(set) ?? []).Select(ConfigOverride.Parse).ToList();
            var narrator = StderrNarrator.ForConsole(Output.Current.Stderr);
            using var store = RunStores.OpenWorkspace(parse.GetValue(ReportVerb.Workspace));
            var result = SweepPipeline.Run(store, path, parse.GetValue(outDir)!, new EvaluationSettings(parse.GetValue(ReportVerb.Episodes), parse.GetValue(ReportVerb.Seed)),
                overrides, narrator, cancel);
            narrator.EndLine();
            Output.Current.Result(result, o =>
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(o), Ansi = AnsiSupport.No });
                var table = new Table { Title = new TableTitle(Markup.Escape($"sweep {result.Name}: {result.Parameter}")), Border = TableBorder.Rounded };
                foreach (var c in new[] { "value", "run", "objective robustness", "objective generalized", "capability robustness", "deploy behavioral objective" }) table.AddColumn(c);
                foreach (var p in result.Points)
                    table.AddRow(Markup.Escape(p.Value.ToString("0.####", CultureInfo.InvariantCulture)), p.RunId, Markup.Escape(p.ObjectiveRobustness.Format()),
                        Markup.Escape(p.ObjectiveGeneralized.Format()), Markup.Escape(p.CapabilityRobustness.Format()), Markup.Escape(p.DeployBehavioralObjective));
                console.Write(table);
                o.WriteLine($"sweep report: {result.ReportPath} ({result.Seconds / 60:0.0} min)");
            });
            return Task.FromResult(0);
        });
        return cmd;
    }
}
