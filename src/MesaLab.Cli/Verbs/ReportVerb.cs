namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Cli.Rendering;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary><c>mesalab report RUN --out DIR</c>: the self-contained HTML report of a stored run, and its summary as a table or JSON.</summary>
public static class ReportVerb
{
    private static readonly ConfigAlias[] Aliases = [ConfigAliases.Episodes, ConfigAliases.EvaluationSeed];

    public static Command Create(CliContext cli)
    {
        var run = CommonOptions.Run();
        var outDir = new Option<string>("--out") { Description = "directory for report.html (created if missing)", Required = true }.NotBlank();
        var cmd = new Command("report", "write the HTML report of a stored run (training curves, outcomes, endings, examples, behavioral objective, robustness decomposition) and print its summary");
        cmd.Arguments.Add(run);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { outDir, CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            ConfigAliases.CheckValues(p, Aliases);
            var narrator = cli.Output.Narrator();
            using var store = RunStores.OpenExistingWorkspace(CommonOptions.Workspace(p));
            var stored = StoredRun.Open(store, p.GetValue(run)!, ConfigAliases.Overrides(p, Aliases));
            var result = ReportJob.Run(stored, p.GetValue(outDir)!, narrator, cancel: cli.Cancel);
            narrator.EndLine();
            Print(cli.Output, result, $"report of run {result.Run.Id} ({result.Run.Name})");
            return 0;
        });
        return cmd;
    }

    /// <summary>The summary on stdout: a table, or one JSON document with <c>--json</c> (including the report's path).</summary>
    public static void Print(Output output, ReportResult result, string title) =>
        output.Result(result.Summary, o => ReportSummaryTable.Write(o, result.Summary, title));
}
