namespace MesaLab.Cli.Tests.Studies;

using System.Text.Json;
using MesaLab.Experiments;
using MesaLab.Store;
using MesaLab.Store.Tests;

/// <summary>
/// A study run through <c>--executor slurm</c> on a real one-node Slurm cluster with a real PostgreSQL run store, both
/// started for the test: the array job's tasks run the jobs through <c>mesalab study work</c>, and the study report is
/// made from what they stored.
/// </summary>
[Collection("torch")]
public sealed class SlurmExecutorTests() : CliWorkspaceTests("mesalab-cli-slurm-")
{
    private static async Task<(int Exit, string Out, string Err)> Mesalab(IReadOnlyDictionary<string, string> environment, double seconds, params string[] args)
    {
        using var p = TinyStudy.Start(environment, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"mesalab {string.Join(' ', args)} did not finish within {seconds:0} s: {await stderr}");
        }
        return (p.ExitCode, await stdout, await stderr);
    }

    [SlurmFact]
    public async Task A_four_job_study_runs_as_a_slurm_array_job_into_postgresql_and_reports()
    {
        using var postgres = new PostgresServer();
        using var cluster = new SlurmCluster();
        var environment = new Dictionary<string, string>(cluster.Environment) { [RunStores.StoreVariable] = postgres.CreateDatabase() };
        string file = TinyStudy.Write(workspace, "cluster");

        var (exit, stdout, stderr) = await Mesalab(environment, 900, "--json", "study", file, "--executor", "slurm", "--wait",
            "--time", "00:20:00", "--mem", "1G", "--workspace", workspace);
        Assert.True(exit == 0, $"{stderr}\n{cluster.Logs()}");
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("slurm", result.GetProperty("executor").GetString());
        var submission = result.GetProperty("submission");
        Assert.Equal([0, 1, 2, 3], submission.GetProperty("positions").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Contains("#SBATCH --array=0-3", submission.GetProperty("script").GetString());
        Assert.Empty(cluster.Queue());

        using (var store = RunStores.Open(environment[RunStores.StoreVariable], workspace))
        {
            var jobs = store.StudyJobs("cluster");
            Assert.Equal(TinyStudy.Jobs, jobs.Select(j => j.Job));
            Assert.All(jobs, j => Assert.Equal((StudyJobState.Completed, 1), (j.EffectiveState, j.Attempts)));
            var runs = store.ListRuns();
            Assert.Equal(4, runs.Count);
            Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.EffectiveStatus));
            Assert.Equal(TinyStudy.Jobs.Order(), runs.Select(r => r.StudyJob!).Order());
            Assert.All(runs, r => Assert.Single(store.Results(r.Id, kind: ResultKinds.StudyRun)));
        }
        // One Slurm task per job, each with its output file in the study's directory.
        var outputs = Directory.GetFiles(Path.Combine(workspace, "studies", "cluster"), "slurm-*_*.out");
        Assert.Equal(4, outputs.Length);
        Assert.All(outputs, o => Assert.Contains("completed", File.ReadAllText(o)));

        string report = Path.Combine(workspace, "report");
        (exit, stdout, stderr) = await Mesalab(environment, 300, "--json", "study", "report", "cluster", "--out", report, "--workspace", workspace);
        Assert.True(exit == 0, stderr);
        var data = JsonDocument.Parse(stdout).RootElement.GetProperty("data");
        Assert.Equal(["plain", "randomized"], data.GetProperty("procedures").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var shares = data.GetProperty("figures").EnumerateArray().First(f => f.GetProperty("key").GetString() == StudyFigures.ObjectiveGeneralized);
        Assert.All(shares.GetProperty("procedures").EnumerateArray(), p => Assert.Equal(2, p.GetProperty("seeds").GetArrayLength()));
        string html = File.ReadAllText(Path.Combine(report, "study.html"));
        Assert.Contains("plain", html);
        Assert.Contains("randomized", html);
    }
}
