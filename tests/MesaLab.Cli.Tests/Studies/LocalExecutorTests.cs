namespace MesaLab.Cli.Tests.Studies;

using System.Text.Json;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>
/// The local executor with real worker processes (<c>mesalab study work</c>) on a tiny study: jobs are shared without
/// overlap, results do not depend on how jobs were scheduled, and a study stopped by Ctrl-C or by a killed worker
/// completes when run again, with one run per job.
/// </summary>
[Collection("torch")]
public sealed class LocalExecutorTests() : CliWorkspaceTests("mesalab-cli-study-")
{
    private string Dir(string name)
    {
        string dir = Path.Combine(workspace, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static StudyRunDocument Document(IRunStore store, string runId) =>
        JsonSerializer.Deserialize<StudyRunDocument>(Assert.Single(store.Results(runId, kind: ResultKinds.StudyRun)).Json, MesaLabJson.Compact)!;

    [Fact]
    public void Two_workers_never_run_the_same_job_and_give_the_results_of_running_the_jobs_one_by_one()
    {
        string file = TinyStudy.Write(workspace, "pair");
        string parallel = Dir("parallel"), serial = Dir("serial");

        var (exit, stdout, stderr) = RunCli("--json", "study", file, "--jobs", "2", "--workspace", parallel);
        Assert.True(exit == 0, stderr);
        var result = JsonDocument.Parse(stdout).RootElement;
        var workers = result.GetProperty("workers").EnumerateArray().ToList();
        Assert.Equal(2, workers.Count);
        var taken = workers.SelectMany(w => w.GetProperty("jobs").EnumerateArray().Select(j => j.GetString()!)).ToList();
        Assert.Equal(TinyStudy.Jobs.Order(), taken.Order());  // every job taken once, by one worker
        Assert.Equal(2, workers.Select(w => w.GetProperty("pid").GetInt32()).Distinct().Count());

        // The same study, its jobs run one at a time by one in-process worker, in the reverse order.
        using (var store = RunStores.OpenWorkspace(serial)) StudyJob.Prepare(store, ExperimentConfig.Load(file));
        foreach (var job in TinyStudy.Jobs.Reverse())
        {
            (exit, _, stderr) = RunCli("study", "work", "pair", "--job", job, "--workspace", serial);
            Assert.True(exit == 0, stderr);
        }

        using var a = RunStores.OpenWorkspace(parallel);
        using var b = RunStores.OpenWorkspace(serial);
        var jobsA = a.StudyJobs("pair");
        var jobsB = b.StudyJobs("pair");
        Assert.All(jobsA, j => Assert.Equal((StudyJobState.Completed, 1), (j.EffectiveState, j.Attempts)));
        Assert.Equal(4, a.ListRuns().Count);
        Assert.Equal(4, jobsA.Select(j => j.RunId).Distinct().Count());
        foreach (var (ja, jb) in jobsA.Zip(jobsB))
        {
            Assert.Equal(ja.Job, jb.Job);
            // The same training, update by update (every metric but the speed), and the same deployed behaviour.
            static List<MetricPoint> Training(IRunStore s, string run) => [.. s.Metrics(run).Where(m => m.Name != "sps").OrderBy(m => (m.Update, m.Name))];
            Assert.Equal(Training(a, ja.RunId!), Training(b, jb.RunId!));
            static List<string> Episodes(IRunStore s, string run) =>
                [.. s.Evaluations(run).OrderBy(e => e.Split).SelectMany(e => s.Episodes(e.Id)).Select(x => JsonSerializer.Serialize(x, MesaLabJson.Compact))];
            Assert.Equal(Episodes(a, ja.RunId!), Episodes(b, jb.RunId!));
            var (da, db) = (Document(a, ja.RunId!), Document(b, jb.RunId!));
            Assert.Equal(da.Figures.Count, db.Figures.Count);
            foreach (var (fa, fb) in da.Figures.Zip(db.Figures))
            {
                Assert.Equal(fa.Key, fb.Key);
                Assert.Equal(fa.Value, fb.Value);
                Assert.Equal(fa.Replicates, fb.Replicates);
            }
        }
    }

    [Fact]
    public async Task Ctrl_c_stops_the_workers_cleanly_and_a_killed_worker_resumes_with_no_duplicate_runs()
    {
        // A budget long enough to interrupt (32 updates), with a checkpoint after nearly every update.
        string file = TinyStudy.Write(workspace, "stop", steps: 4096, checkpointSeconds: 0.01);
        IReadOnlyList<StudyJobRecord> Jobs()
        {
            using var store = RunStores.OpenWorkspace(workspace);
            return store.FindStudy("stop") is null ? [] : store.StudyJobs("stop");
        }
        bool Checkpointed(StudyJobRecord j)
        {
            using var store = RunStores.OpenWorkspace(workspace);
            return j.RunId is not null && store.Checkpoints(j.RunId).Count > 0;
        }

        // Ctrl-C (SIGINT to the executor alone, as a terminal would also send it to the workers): the executor
        // asks each worker to stop; each saves its run and gives its job back interrupted.
        using (var executor = TinyStudy.Start("--json", "study", file, "--jobs", "2", "--workspace", workspace))
        {
            var stdout = executor.StandardOutput.ReadToEndAsync();
            var stderr = executor.StandardError.ReadToEndAsync();
            TinyStudy.WaitUntil(() => Jobs().Count(j => j.EffectiveState == StudyJobState.Running && Checkpointed(j)) == 2, 300, "two jobs training");
            TinyStudy.Signal(executor.Id, "INT");
            Assert.True(executor.WaitForExit(120_000), "the executor did not stop within two minutes of Ctrl-C");
            Assert.True(executor.ExitCode == 130, await stderr);
            var result = JsonDocument.Parse(await stdout).RootElement;
            Assert.True(result.GetProperty("interrupted").GetBoolean());
            foreach (var w in result.GetProperty("workers").EnumerateArray())
                Assert.False(LocalProcess.IsRunning(w.GetProperty("pid").GetInt32()), "a worker outlived the executor");
        }
        var afterStop = Jobs();
        Assert.Equal(2, afterStop.Count(j => j.State == StudyJobState.Interrupted));  // given back, not merely abandoned
        Assert.Equal(2, afterStop.Count(j => j.State == StudyJobState.Pending));
        Assert.DoesNotContain(afterStop, j => j.State is StudyJobState.Failed or StudyJobState.Running);

        // A worker killed outright (no chance to save or give its job back) while it trains.
        string killedJob;
        using (var worker = TinyStudy.Start("study", "work", "stop", "--workspace", workspace))
        {
            _ = worker.StandardOutput.ReadToEndAsync();
            _ = worker.StandardError.ReadToEndAsync();
            TinyStudy.WaitUntil(() => Jobs().Any(j => j.Held && j.Lease!.Holder.Pid == worker.Id), 120, "the worker to take a job");
            killedJob = Jobs().First(j => j.Held && j.Lease!.Holder.Pid == worker.Id).Job;
            worker.Kill();
            worker.WaitForExit();
        }
        Assert.Equal(StudyJobState.Interrupted, Jobs().First(j => j.Job == killedJob).EffectiveState);
        var runsBefore = Jobs().Where(Checkpointed).ToDictionary(j => j.Job, j => j.RunId!);
        Assert.True(runsBefore.Count >= 2, "the stopped jobs kept their runs");

        // Running the study again completes it: the interrupted runs resume from their checkpoints.
        var (exit, _, err) = RunCli("study", file, "--jobs", "2", "--workspace", workspace);
        Assert.True(exit == 0, err);
        var jobs = Jobs();
        Assert.All(jobs, j => Assert.Equal(StudyJobState.Completed, j.EffectiveState));
        foreach (var (job, run) in runsBefore) Assert.Equal(run, jobs.First(j => j.Job == job).RunId);
        using var store = RunStores.OpenWorkspace(workspace);
        var runs = store.ListRuns();
        Assert.Equal(4, runs.Count);  // one run per job: nothing started twice
        Assert.Equal(TinyStudy.Jobs.Order(), runs.Select(r => r.StudyJob!).Order());
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.EffectiveStatus));
        Assert.All(runs, r => Assert.Single(store.Results(r.Id, kind: ResultKinds.StudyRun)));
        // A resumed run trained exactly its budget: its metrics end at the last update, with no update recorded twice.
        foreach (var r in runs)
        {
            var points = store.Metrics(r.Id).Select(m => (m.Name, m.Update)).ToList();
            Assert.NotEmpty(points);
            Assert.Equal(points.Distinct().Count(), points.Count);
            Assert.Equal(32, store.LatestCheckpoint(r.Id)!.Update);
        }
    }
}
