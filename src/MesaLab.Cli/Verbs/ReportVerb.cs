namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Reports.Pipelines;
using MesaLab.Store;

/// <summary><c>mesalab report RUN --out DIR</c>: the self-contained HTML report of a stored run, and its summary as a table or JSON.</summary>
public static class ReportVerb
{
    public static readonly Option<string?> Workspace = new("--workspace") { Description = $"the run store's workspace directory (default ./{RunStores.DefaultWorkspace}, or MESALAB_STORE)" };
    public static readonly Option<int> Episodes = new("--episodes") { Description = "episodes per split when a split has not been evaluated yet", DefaultValueFactory = _ => 200 };
    public static readonly Option<ulong> Seed = new("--seed") { Description = "evaluation seed (level stream) when a split has not been evaluated yet", DefaultValueFactory = _ => new EvaluationSettings().Seed };

    public static Command Create()
    {
        var run = new Argument<string>("RUN") { Description = "the run's id or name (mesalab runs lists them)" };
        var outDir = new Option<string>("--out") { Description = "directory for report.html (created if missing)", Required = true };
        var cmd = new Command("report", "write the HTML report of a stored run (training curves, outcomes, endings, examples, behavioral objective, robustness decomposition) and print its summary");
        cmd.Arguments.Add(run);
        cmd.Options.Add(outDir);
        cmd.Options.Add(Workspace);
        cmd.Options.Add(Episodes);
        cmd.Options.Add(Seed);
        cmd.SetAction(parse =>
        {
            var narrator = StderrNarrator.ForConsole(Output.Current.Stderr);
            using var store = RunStores.OpenExistingWorkspace(parse.GetValue(Workspace));
            var result = RunReportPipeline.Build(store, parse.GetValue(run)!, parse.GetValue(outDir)!,
                new EvaluationSettings(parse.GetValue(Episodes), parse.GetValue(Seed)), narrator);
            narrator.EndLine();
            Print(result, $"report of run {result.Run.Id} ({result.Run.Name})");
            return 0;
        });
        return cmd;
    }

    /// <summary>The summary on stdout: a table, or one JSON document with <c>--json</c> (including the report's path).</summary>
    public static void Print(RunReportResult result, string title) =>
        Output.Current.Result(result.Summary, o => ReportSummaryTable.Write(o, result.Summary, title));
}
