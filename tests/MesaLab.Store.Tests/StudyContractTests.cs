namespace MesaLab.Store.Tests;

using Dapper;

/// <summary>The study part of the run-store contract: studies and their jobs, job leases, study runs; SQLite and PostgreSQL alike.</summary>
[Collection(StoreBackends.Collection)]
public sealed class StudyContractTests(StoreBackends backends)
{
    public static TheoryData<string> Kinds => StoreBackends.Kinds();

    internal static NewStudy Study(string name = "homogeneity", string hash = "hash-1", int procedures = 2, int seeds = 2) => new(name, "spec: 1\n", hash,
        [.. from s in Enumerable.Range(1, seeds) from p in Enumerable.Range(0, procedures) select new NewStudyJob($"p{p}/seed-{s}", $"p{p}", s, $"seed: {s}\n")]);

    private static readonly RunHolder Remote = new("elsewhere.example", 4242, null, "remote-token");

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_study_is_stored_once_with_its_jobs_in_order(string kind)
    {
        using var store = backends.Open(kind);
        Assert.Null(store.FindStudy("homogeneity"));
        var (study, created) = store.SaveStudy(Study());
        Assert.True(created);
        Assert.Equal(("homogeneity", "spec: 1\n", "hash-1", 4), (study.Name, study.Spec, study.SpecHash, study.Jobs));
        var jobs = store.StudyJobs("homogeneity");
        Assert.Equal(["p0/seed-1", "p1/seed-1", "p0/seed-2", "p1/seed-2"], jobs.Select(j => j.Job));
        Assert.Equal([0, 1, 2, 3], jobs.Select(j => j.Position));
        Assert.All(jobs, j => Assert.Equal((StudyJobState.Pending, 0, 0, null, (string?)null), (j.EffectiveState, j.Attempts, j.Failures, j.Lease, j.RunId)));
        Assert.Equal("seed: 2\n", jobs[3].Config);

        // Saving again (even with another spec) changes nothing and says it existed: the caller compares the hash.
        var (again, createdAgain) = store.SaveStudy(Study(hash: "hash-2", seeds: 3));
        Assert.False(createdAgain);
        Assert.Equal(study with { Created = again.Created }, again);
        Assert.Equal(4, store.StudyJobs("homogeneity").Count);
        Assert.Equal(["homogeneity"], store.ListStudies().Select(s => s.Name));
        var e = Assert.Throws<UserError>(() => store.StudyJobs("nosuch"));
        Assert.Equal($"unknown study 'nosuch' in {store.Location}; the studies are homogeneity.", e.Message);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Workers_take_jobs_in_order_and_never_the_same_one(string kind)
    {
        using var store = backends.Open(kind);
        store.SaveStudy(Study());
        var a = RunHolder.ThisProcess();
        var b = RunHolder.ThisProcess();
        var first = store.ClaimStudyJob("homogeneity", a, 1)!;
        var second = store.ClaimStudyJob("homogeneity", b, 1)!;
        Assert.Equal(("p0/seed-1", "p1/seed-1"), (first.Job, second.Job));
        var held = store.StudyJobs("homogeneity")[0];
        Assert.Equal((StudyJobState.Running, 1, true, a.Token), (held.EffectiveState, held.Attempts, held.Held, held.Lease!.Holder.Token));
        // Only the named job, when one is named: a held one is not taken.
        Assert.Null(store.ClaimStudyJob("homogeneity", b, 1, "p0/seed-1"));
        Assert.Equal("p0/seed-2", store.ClaimStudyJob("homogeneity", b, 1, "p0/seed-2")!.Job);
        Assert.Contains("has no job 'p9/seed-1'", Assert.Throws<UserError>(() => store.ClaimStudyJob("homogeneity", b, 1, "p9/seed-1")).Message);

        // A completed job is never taken again; an interrupted one is taken again by the next worker.
        store.ReleaseStudyJob(first, StudyJobState.Completed, 12.5);
        store.ReleaseStudyJob(second, StudyJobState.Interrupted, 3);
        var done = store.StudyJobs("homogeneity")[0];
        Assert.Equal((StudyJobState.Completed, 12.5, (StudyJobLease?)null), (done.EffectiveState, done.Seconds, done.Lease));
        var resumed = store.ClaimStudyJob("homogeneity", a, 1)!;
        Assert.Equal("p1/seed-1", resumed.Job);
        Assert.Equal(2, store.StudyJobs("homogeneity")[1].Attempts);
        Assert.Equal("p1/seed-2", store.ClaimStudyJob("homogeneity", a, 1)!.Job);
        Assert.Null(store.ClaimStudyJob("homogeneity", a, 1));

        // Giving back a job one no longer holds is refused and changes nothing.
        var e = Assert.Throws<UserError>(() => store.ReleaseStudyJob(first, StudyJobState.Failed, 1, "boom"));
        Assert.Contains("is no longer held by", e.Message);
        Assert.Equal(StudyJobState.Completed, store.StudyJobs("homogeneity")[0].State);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_failed_job_is_retried_until_its_failures_are_used_up(string kind)
    {
        using var store = backends.Open(kind);
        store.SaveStudy(Study(procedures: 1, seeds: 1));
        var w = RunHolder.ThisProcess();
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            var lease = store.ClaimStudyJob("homogeneity", w, maxFailures: 2)!;
            store.ReleaseStudyJob(lease, StudyJobState.Failed, 1, $"boom {attempt}");
        }
        Assert.Null(store.ClaimStudyJob("homogeneity", w, maxFailures: 2));
        var failed = Assert.Single(store.StudyJobs("homogeneity"));
        Assert.Equal((StudyJobState.Failed, 2, 2, "boom 2"), (failed.EffectiveState, failed.Attempts, failed.Failures, failed.Error));
        Assert.Equal(1, store.RetryFailedStudyJobs("homogeneity"));
        var again = store.ClaimStudyJob("homogeneity", w, maxFailures: 2)!;
        store.ReleaseStudyJob(again, StudyJobState.Completed, 1);
        var done = Assert.Single(store.StudyJobs("homogeneity"));
        Assert.Equal((StudyJobState.Completed, 3, 0, (string?)null), (done.EffectiveState, done.Attempts, done.Failures, done.Error));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_job_whose_worker_died_or_went_silent_is_interrupted_and_taken_again(string kind)
    {
        using var store = backends.Open(kind);
        store.SaveStudy(Study(procedures: 1, seeds: 2));
        var dead = new RunHolder(Environment.MachineName, RunLeaseContractTests.ExitedProcessId(), null, "dead-token");
        Assert.Equal("p0/seed-1", store.ClaimStudyJob("homogeneity", dead, 1)!.Job);
        // The dead worker's job may be taken at once, so the remote worker names the other one.
        Assert.Equal("p0/seed-2", store.ClaimStudyJob("homogeneity", Remote, 1, "p0/seed-2")!.Job);
        var jobs = store.StudyJobs("homogeneity");
        Assert.Equal((StudyJobState.Running, StudyJobState.Interrupted, false), (jobs[0].State, jobs[0].EffectiveState, jobs[0].Held));
        Assert.True(jobs[1].Held); // a remote worker is live while its heartbeat is fresh
        Assert.Equal(StoreProblemKind.StudyJobWithoutHolder, Assert.Single(store.Check()).Kind);

        using (var c = store.OpenConnection())
            c.Execute("UPDATE study_jobs SET heartbeat = '2000-01-01T00:00:00.000Z' WHERE job = 'p0/seed-2'");
        var me = RunHolder.ThisProcess();
        var lease = store.ClaimStudyJob("homogeneity", me, 1)!;
        Assert.Equal("p0/seed-1", lease.Job);
        var renewed = store.HeartbeatStudyJob(lease);
        Assert.True(renewed.Heartbeat >= lease.Heartbeat);
        Assert.Equal("p0/seed-2", store.ClaimStudyJob("homogeneity", me, 1)!.Job);
        // The silent worker, waking up, finds it lost the job.
        var stale = new StudyJobLease("homogeneity", "p0/seed-2", Remote, lease.Acquired, lease.Heartbeat);
        Assert.Contains($"took it over", Assert.Throws<UserError>(() => store.HeartbeatStudyJob(stale)).Message);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_study_job_has_at_most_one_run(string kind)
    {
        using var store = backends.Open(kind);
        store.SaveStudy(Study(procedures: 1, seeds: 1));
        var run = store.CreateRun(new NewRun("homogeneity-p0-seed1", "train", "green-arrow-maze", "seed: 1\n", 1) { Study = "homogeneity", StudyJob = "p0/seed-1" });
        Assert.Equal(("homogeneity", "p0/seed-1"), (run.Study, run.StudyJob));
        var read = store.GetRun(run.Id);
        Assert.Equal(("homogeneity", "p0/seed-1"), (read.Study, read.StudyJob));
        Assert.Equal(run.Id, Assert.Single(store.StudyJobs("homogeneity")).RunId);
        var e = Assert.Throws<UserError>(() => store.CreateRun(new NewRun(null, "train", "green-arrow-maze", "seed: 1\n", 1) { Study = "homogeneity", StudyJob = "p0/seed-1" }));
        Assert.Contains($"already has run {run.Id}", e.Message);
        Assert.Single(store.ListRuns());
        store.DeleteRun(run.Id);
        Assert.Null(Assert.Single(store.StudyJobs("homogeneity")).RunId);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Of_several_processes_claiming_jobs_at_once_each_job_goes_to_exactly_one(string kind)
    {
        using var store = backends.Open(kind, out string target);
        store.SaveStudy(Study(procedures: 4, seeds: 5));
        var children = Enumerable.Range(0, 3).Select(_ => StoreProcess.Start("claim", target, store.Workspace, "homogeneity")).ToList();
        try
        {
            foreach (var child in children) child.Go();
            var claimed = new List<(int Pid, string Job)>();
            foreach (var child in children)
            {
                string? line;
                while ((line = child.ReadLine(TimeSpan.FromSeconds(120))) is not null && line != "done")
                    claimed.Add((child.Process.Id, line));
                Assert.True(line == "done", $"a claimer failed: {child.Errors()}");
            }
            Assert.Equal(20, claimed.Count);
            Assert.Equal(20, claimed.Select(c => c.Job).Distinct().Count());
            Assert.All(store.StudyJobs("homogeneity"), j => Assert.Equal((StudyJobState.Completed, 1), (j.State, j.Attempts)));
        }
        finally
        {
            foreach (var child in children) child.Dispose();
        }
    }
}
