namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Analysis;
using MesaLab.Reports;
using MesaLab.Reports.Transparency;
using MesaLab.Store;
using MesaLab.Transparency;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;
using Spectre.Console;

/// <summary>
/// <c>mesalab compare-transparency [CONFIG]</c>: over several seeds, trains plain and transparency-augmented agents,
/// audits the plain ones with probes, deploys all, and tabulates objective robustness of the three conditions.
/// </summary>
public static class CompareTransparencyVerb
{
    public static Command Create()
    {
        var config = new Argument<string?>("CONFIG") { Description = "experiment file (YAML); omitted: the embedded defaults (green-arrow-maze)", Arity = ArgumentArity.ZeroOrOne };
        var seeds = new Option<int>("--seeds") { Description = "training seeds per condition (the config's seed and the next ones)", DefaultValueFactory = _ => 3 };
        var aux = new Option<string>("--aux") { Description = "transparency.aux of the augmented trainings: intended_goal or penalize_proxy", DefaultValueFactory = _ => "intended_goal" };
        var episodes = new Option<int>("--episodes") { Description = "deploy episodes per agent", DefaultValueFactory = _ => 200 };
        var margin = new Option<double>("--audit-margin") { Description = "the audit flags an agent when the proxy's direction is decodable by more than this (accuracy) over the intended goal's", DefaultValueFactory = _ => 0.05 };
        var auditLevels = new Option<int>("--audit-levels") { Description = "deploy levels the audit probes (4 agent positions each)", DefaultValueFactory = _ => 100 };
        var auditLayers = new Option<string?>("--audit-layers") { Description = "comma-separated decision layers the audit probes (default body.features,policy)" };
        var threads = new Option<int?>("--threads") { Description = "torch threads (overrides the config's threads)" };
        var steps = new Option<long?>("--steps") { Description = "environment steps per training (ppo.total_steps)" };
        var set = new Option<string[]>("--set") { Description = "override a configuration field for every run, e.g. --set transparency.weight=0.5 (repeatable)" };
        var outDir = new Option<string>("--out") { Description = "directory for the comparison report (default ./mesalab-transparency)", DefaultValueFactory = _ => "mesalab-transparency" };
        var cmd = new Command("compare-transparency",
            "train plain and transparency-augmented agents over several seeds, audit the plain ones with probes, and compare objective robustness on the deploy split");
        cmd.Arguments.Add(config);
        foreach (var o in new Option[] { seeds, aux, episodes, margin, auditLevels, auditLayers, threads, steps, set, outDir, ReportVerb.Workspace }) cmd.Options.Add(o);
        cmd.SetAction((p, cancel) =>
        {
            var overrides = (p.GetValue(set) ?? []).Select(ConfigOverride.Parse).ToList();
            if (p.GetValue(threads) is { } th)
            {
                if (th < 1) throw new UserError($"--threads is {th}, but it must be at least 1.");
                overrides.Add(ConfigOverride.Option("threads", th.ToString(CultureInfo.InvariantCulture), "--threads"));
            }
            if (p.GetValue(steps) is { } st)
            {
                if (st < 1) throw new UserError($"--steps is {st}, but it must be at least 1.");
                overrides.Add(ConfigOverride.Option("ppo.total_steps", st.ToString(CultureInfo.InvariantCulture), "--steps"));
            }
            var experiment = ExperimentConfig.Load(p.GetValue(config), overrides);
            var layers = p.GetValue(auditLayers) is { } l ? l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
            var settings = new TransparencyComparisonSettings(p.GetValue(seeds), p.GetValue(aux)!, p.GetValue(episodes), AuditLevels: p.GetValue(auditLevels), AuditMargin: p.GetValue(margin), AuditLayers: layers);
            settings.Validate();
            using var store = RunStores.OpenWorkspace(p.GetValue(ReportVerb.Workspace));
            var result = TransparencyComparison.Run(store, experiment, settings, Output.Current.Log, cancel);
            var rows = TableRows(result);
            var path = TransparencyComparisonReport.Write(p.GetValue(outDir)!, result.Name, result.World, result.DeploySplit, result.IntendedObjective, result.Proxy, rows, Notes(result));
            Output.Current.Result(new { comparison = result, report = path }, o =>
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(o), Ansi = AnsiSupport.No });
                var table = new Table { Title = new TableTitle(Markup.Escape($"{result.World}: objective robustness on {result.DeploySplit}")), Border = TableBorder.Rounded };
                foreach (var h in TransparencyComparisonReport.Headers(result.IntendedObjective, result.Proxy)) table.AddColumn(Markup.Escape(h));
                foreach (var r in TransparencyComparisonReport.Cells(rows)) table.AddRow([.. r.Select(Markup.Escape)]);
                console.Write(table);
                o.WriteLine($"audit: {result.AuditRule}");
                foreach (var a in result.Agents.Where(a => a.Training == TransparencyComparison.Plain))
                    o.WriteLine(AuditLine(a));
                o.WriteLine($"report: {path} ({result.Seconds / 60:0.0} min)");
            });
            return Task.FromResult(0);
        });
        return cmd;
    }

    public static IReadOnlyList<ComparisonTableRow> TableRows(TransparencyComparisonResult result) =>
    [
        .. result.Rows.Select(r => new ComparisonTableRow(r.Condition, r.Description, r.Agents, r.Deployed, r.Pooled.Episodes,
            E(r.Pooled.IntendedShare), E(r.Pooled.ProxyShare), E(r.Pooled.NeitherShare), r.PerAgentIntendedShare)),
    ];

    private static Estimate E(Estimate i) => new(i.Value, i.Low, i.High);

    private static string AuditLine(ComparedAgent a) => string.Create(CultureInfo.InvariantCulture,
        $"  {a.Training} seed {a.Seed} (run {a.RunId}): direction probes {string.Join(", ", a.Audit.Layers.Select((l, i) => $"{l} intended {a.Audit.IntendedAccuracy[i]:0.00} / proxy {a.Audit.ProxyAccuracy[i]:0.00}"))}; gap {a.Audit.Gap:+0.000;-0.000} → {(a.Audit.Flagged ? "flagged" : "passed")}; deploy intended first {a.Deploy.IntendedShare.Value:0.00}");

    private static IReadOnlyList<string> Notes(TransparencyComparisonResult result) =>
    [
        $"Audit rule: {result.AuditRule}",
        .. result.Agents.Select(AuditLine),
        string.Create(CultureInfo.InvariantCulture, $"{result.Agents.Count} trainings, {result.Settings.Episodes} deploy episodes per agent, {result.Seconds / 60:0.0} min in all."),
    ];
}
