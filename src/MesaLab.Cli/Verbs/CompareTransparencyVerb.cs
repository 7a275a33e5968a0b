namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Cli.Rendering;
using MesaLab.Experiments;
using MesaLab.Reports.Transparency;
using MesaLab.Store;
using Spectre.Console;

/// <summary>
/// <c>mesalab compare-transparency [CONFIG]</c>: over several seeds, trains plain and transparency-augmented agents,
/// audits the plain ones with probes, deploys all, and tabulates objective robustness of the three conditions.
/// </summary>
public static class CompareTransparencyVerb
{
    private static readonly ConfigAlias[] Aliases =
    [
        ConfigAliases.Seed, ConfigAliases.Threads, ConfigAliases.Steps, ConfigAliases.ComparisonSeeds, ConfigAliases.Aux, ConfigAliases.Episodes,
        ConfigAliases.EvaluationSeed, ConfigAliases.AuditMargin, ConfigAliases.AuditLevels, ConfigAliases.AuditLayers,
    ];

    public static Command Create(CliContext cli)
    {
        var config = CommonOptions.ConfigFile("experiment file (YAML); omitted: the embedded defaults (green-arrow-maze)");
        var outDir = new Option<string>("--out") { Description = "directory for the comparison report (default ./mesalab-transparency)", DefaultValueFactory = _ => "mesalab-transparency" }.NotBlank();
        var cmd = new Command("compare-transparency",
            "train plain and transparency-augmented agents over several seeds, audit the plain ones with probes, and compare objective robustness on the deploy split");
        cmd.Arguments.Add(config);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { outDir, CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var experiment = ExperimentConfig.Load(p.GetValue(config), ConfigAliases.Overrides(p, Aliases));
            var narrator = cli.Output.Narrator();
            using var store = RunStores.OpenWorkspace(CommonOptions.Workspace(p));
            var result = CompareTransparencyJob.Run(store, experiment, p.GetValue(outDir)!, narrator, cli.Cancel);
            narrator.EndLine();
            var rows = CompareTransparencyJob.TableRows(result);
            cli.Output.Result(new { comparison = result, report = result.ReportPath }, o =>
            {
                var table = new Table { Title = new TableTitle(Markup.Escape($"{result.World}: objective robustness on {result.DeploySplit}")), Border = TableBorder.Rounded };
                foreach (var h in TransparencyComparisonReport.Headers(result.IntendedObjective, result.Proxy)) table.AddColumn(Markup.Escape(h));
                foreach (var r in TransparencyComparisonReport.Cells(rows)) table.AddRow([.. r.Select(Markup.Escape)]);
                Tables.Console(o).Write(table);
                o.WriteLine($"audit: {result.AuditRule}");
                foreach (var a in result.Agents.Where(a => a.Training == CompareTransparencyJob.Plain))
                    o.WriteLine(CompareTransparencyJob.AuditLine(a));
                o.WriteLine($"report: {result.ReportPath} ({result.Seconds / 60:0.0} min)");
            });
            return 0;
        });
        return cmd;
    }
}
