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
        var outDir = new Option<string>("--out") { Description = "directory for the comparison report (default ./mesalab-transparency)", DefaultValueFactory = _ => "mesalab-transparency" };
        var cmd = new Command("compare-transparency",
            "train plain and transparency-augmented agents over several seeds, audit the plain ones with probes, and compare objective robustness on the deploy split");
        cmd.Arguments.Add(config);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { outDir, CommonOptions.Workspace, CommonOptions.Set }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var experiment = ExperimentConfig.Load(p.GetValue(config), ConfigAliases.Overrides(p, Aliases));
            OutputPaths.CheckDirectory(p.GetValue(outDir)!, "--out");
            var narrator = cli.Output.Narrator();
            using var store = RunStores.OpenWorkspace(p.GetValue(CommonOptions.Workspace));
            var result = CompareTransparencyJob.Run(store, experiment, narrator, cli.Cancel);
            narrator.EndLine();
            var rows = TableRows(result);
            var path = TransparencyComparisonReport.Write(p.GetValue(outDir)!, result.Name, result.World, result.DeploySplit, result.IntendedObjective, result.Proxy, rows, Notes(result));
            cli.Output.Result(new { comparison = result, report = path }, o =>
            {
                var table = new Table { Title = new TableTitle(Markup.Escape($"{result.World}: objective robustness on {result.DeploySplit}")), Border = TableBorder.Rounded };
                foreach (var h in TransparencyComparisonReport.Headers(result.IntendedObjective, result.Proxy)) table.AddColumn(Markup.Escape(h));
                foreach (var r in TransparencyComparisonReport.Cells(rows)) table.AddRow([.. r.Select(Markup.Escape)]);
                Tables.Console(o).Write(table);
                o.WriteLine($"audit: {result.AuditRule}");
                foreach (var a in result.Agents.Where(a => a.Training == CompareTransparencyJob.Plain))
                    o.WriteLine(AuditLine(a));
                o.WriteLine($"report: {path} ({result.Seconds / 60:0.0} min)");
            });
            return 0;
        });
        return cmd;
    }

    public static IReadOnlyList<ComparisonTableRow> TableRows(TransparencyComparisonResult result) =>
    [
        .. result.Rows.Select(r => new ComparisonTableRow(r.Condition, r.Description, r.Agents, r.Deployed, r.Pooled.Episodes,
            r.Pooled.IntendedShare, r.Pooled.ProxyShare, r.Pooled.NeitherShare, r.PerAgentIntendedShare)),
    ];

    private static string AuditLine(ComparedAgent a) => string.Create(CultureInfo.InvariantCulture,
        $"  {a.Training} seed {a.Seed} (run {a.RunId}): direction probes {string.Join(", ", a.Audit.Layers.Select((l, i) => $"{l} intended {a.Audit.IntendedAccuracy[i]:0.00} / proxy {a.Audit.ProxyAccuracy[i]:0.00}"))}; gap {a.Audit.Gap:+0.000;-0.000} → {(a.Audit.Flagged ? "flagged" : "passed")}; deploy intended first {a.Deploy.IntendedShare.Value:0.00}");

    private static IReadOnlyList<string> Notes(TransparencyComparisonResult result) =>
    [
        $"Audit rule: {result.AuditRule}",
        .. result.Agents.Select(AuditLine),
        string.Create(CultureInfo.InvariantCulture, $"{result.Agents.Count} trainings, {result.Episodes} deploy episodes per agent, {result.Seconds / 60:0.0} min in all."),
    ];
}
