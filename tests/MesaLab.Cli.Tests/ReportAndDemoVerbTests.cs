namespace MesaLab.Cli.Tests;

using System.Text.Json;
using MesaLab.Reports;
using MesaLab.Store;
using MesaLab.Tests;

/// <summary><c>mesalab demo</c> and <c>mesalab report</c> through the command line, on a tiny budget.</summary>
[Collection("torch")]
public sealed class ReportAndDemoVerbTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("mesalab-cli-report-");

    public void Dispose() => dir.Delete(recursive: true);

    private string Workspace => Path.Combine(dir.FullName, "runs");

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Cli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Report_of_an_unknown_run_is_one_sentence_and_exit_code_2()
    {
        // A workspace without a store: said so, and no empty database is left behind.
        var (exit, stdout, stderr) = Run("report", "nosuchrun", "--out", Path.Combine(dir.FullName, "out"), "--workspace", Workspace);
        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: workspace ", line);
        Assert.Contains("has no run store", line);
        Assert.False(File.Exists(Path.Combine(Workspace, SqliteRunStore.FileName)), "reading must not create a store");

        // A store without that run.
        using (RunStores.Open(Workspace)) { }
        (exit, stdout, stderr) = Run("report", "nosuchrun", "--out", Path.Combine(dir.FullName, "out"), "--workspace", Workspace);
        Assert.Equal(2, exit);
        line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: unknown run 'nosuchrun'", line);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(Path.Combine(dir.FullName, "out")), "a failed report must not leave an output directory");
    }

    [Fact]
    public void Report_needs_an_output_directory()
    {
        var (exit, _, stderr) = Run("report", "x", "--workspace", Workspace);
        Assert.Equal(2, exit);
        Assert.Contains("--out", stderr);
    }

    [Fact]
    public void Demo_rejects_a_bad_override_before_training()
    {
        var (exit, _, stderr) = Run("demo", "--out", Path.Combine(dir.FullName, "out"), "--workspace", Workspace, "--set", "ppo.no_such_field=1");
        Assert.Equal(2, exit);
        Assert.Contains("no_such_field", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Demo_with_zero_episodes_is_a_user_error()
    {
        var (exit, _, stderr) = Run("demo", "--out", Path.Combine(dir.FullName, "out"), "--workspace", Workspace, "--episodes", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--episodes", stderr);
    }

    /// <summary>The whole pipeline on a tiny budget: train, evaluate, analyse, report; then rebuild the report from the store.</summary>
    /// <remarks>About 12 s; the full demo's six-minute bar is a benchmark (its stage timings are in the demo's --json), not a test.</remarks>
    [Fact]
    public void Tiny_demo_writes_a_complete_report_and_report_rebuilds_it_from_the_store()
    {
        var outDir = Path.Combine(dir.FullName, "out");
        var (exit, stdout, stderr) = Run("--json", "demo", "--out", outDir, "--workspace", Workspace, "--steps", "1024", "--episodes", "12",
            "--set", "training.held_out_levels=8", "--set", "ppo.num_envs=16");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        string report = root.GetProperty("report").GetString()!;
        Assert.Equal(Path.GetFullPath(Path.Combine(outDir, RunReport.FileName)), report);
        var html = File.ReadAllText(report);
        foreach (var s in RunReport.Sections) Assert.Contains($"<section id=\"{s.Id}\">", html);
        Assert.Equal(2, root.GetProperty("outcomes").GetArrayLength());
        Assert.Equal(12, root.GetProperty("outcomes")[1].GetProperty("episodes").GetInt32());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("decomposition").ValueKind);
        foreach (var stage in new[] { "train", "evaluate", "analyse", "report" }) Assert.Contains($"] {stage}", stderr);

        string runId = root.GetProperty("run").GetProperty("id").GetString()!;
        using (var store = RunStores.Open(Workspace))
            Assert.Equal(2, store.Evaluations(runId).Count);

        // Rebuilding from the store reuses the stored evaluations and gives the same numbers.
        var again = Run("--json", "report", runId, "--out", Path.Combine(dir.FullName, "again"), "--workspace", Workspace);
        Assert.True(again.Exit == 0, again.Stderr);
        using var doc2 = JsonDocument.Parse(again.Stdout);
        Assert.Equal(root.GetProperty("outcomes").GetRawText(), doc2.RootElement.GetProperty("outcomes").GetRawText());
        Assert.Equal(root.GetProperty("behavioral_objectives").GetRawText(), doc2.RootElement.GetProperty("behavioral_objectives").GetRawText());
        using (var store = RunStores.Open(Workspace))
            Assert.Equal(2, store.Evaluations(runId).Count);
    }
}
