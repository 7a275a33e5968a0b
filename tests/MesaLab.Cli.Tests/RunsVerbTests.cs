namespace MesaLab.Cli.Tests;

using System.Text.Json;
using MesaLab.Store;

[Collection("torch")]
public sealed class RunsVerbTests() : CliWorkspaceTests("mesalab-cli-runs-")
{
    private static (int Exit, string Out, string Err) Run(params string[] args) => RunCli(args);

    private RunRecord Seed()
    {
        using var store = RunStores.Open(workspace);
        var run = store.CreateRun(new NewRun("arrow-baseline", "train", "green-arrow-maze", "world: green-arrow-maze\nseed: 3\n", 3));
        store.AddMetrics(run.Id, [new MetricPoint(1, 1024, "success_rate", 0.5), new MetricPoint(2, 2048, "success_rate", 0.97)]);
        store.AddCheckpoint(new CheckpointRecord(run.Id, 2, 2048, $"{run.Id}/ckpt-000002.pt", new string('0', 64), 4096, DateTimeOffset.UtcNow));
        store.AddEvaluation(new NewEvaluation(run.Id, "policy", "green-arrow-maze", "deploy", "fp", 9), [new StoredEpisode(0, 0, 9, 1, 12, true, false, [1])]);
        store.UpdateRun(run.Id, RunStatus.Completed, 61);
        return run;
    }

    [Fact]
    public void Runs_lists_the_store_as_json_and_as_a_table()
    {
        var run = Seed();
        var (exit, stdout, _) = Run("runs", "--workspace", workspace, "--json");
        Assert.Equal(0, exit);
        var doc = JsonDocument.Parse(stdout).RootElement;
        var only = Assert.Single(doc.GetProperty("runs").EnumerateArray());
        Assert.Equal(run.Id, only.GetProperty("id").GetString());
        Assert.Equal("completed", only.GetProperty("status").GetString());

        (exit, stdout, _) = Run("runs", "--workspace", workspace);
        Assert.Equal(0, exit);
        Assert.True(stdout.Contains("arrow-baseline") && stdout.Contains("completed"), stdout);
        Assert.Contains("1m01s", stdout);
    }

    [Fact]
    public void Runs_show_finds_a_run_by_prefix_and_shows_metrics_checkpoints_and_evaluations()
    {
        var run = Seed();
        var (exit, stdout, _) = Run("runs", "show", "arrow", "--workspace", workspace, "--json");
        Assert.Equal(0, exit);
        var doc = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(run.Id, doc.GetProperty("run").GetProperty("id").GetString());
        Assert.Equal(0.97, doc.GetProperty("last_metrics")[0].GetProperty("value").GetDouble());
        Assert.Equal(2, doc.GetProperty("checkpoints")[0].GetProperty("update").GetInt64());
        Assert.Equal("deploy", doc.GetProperty("evaluations")[0].GetProperty("split").GetString());
        Assert.Contains("seed: 3", doc.GetProperty("config").GetString());

        (exit, stdout, _) = Run("runs", "show", run.Id[..5], "--workspace", workspace);
        Assert.Equal(0, exit);
        Assert.Contains("success_rate", stdout);
        Assert.Contains("ckpt-000002.pt", stdout);
    }

    [Fact]
    public void An_unknown_run_is_one_sentence_and_exit_code_2()
    {
        Seed();
        var (exit, stdout, stderr) = Run("runs", "show", "nope", "--workspace", workspace);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: unknown run 'nope' in sqlite:", stderr);
        Assert.EndsWith("; `mesalab runs` lists them.", stderr.TrimEnd());
        Assert.DoesNotContain("   at ", stderr);
    }
}
