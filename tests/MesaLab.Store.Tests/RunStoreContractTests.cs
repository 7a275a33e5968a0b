namespace MesaLab.Store.Tests;

using System.Text;
using Dapper;


/// <summary>The run-store contract, checked on SQLite and on a real PostgreSQL server alike.</summary>
[Collection(StoreBackends.Collection)]
public sealed class RunStoreContractTests(StoreBackends backends)
{
    public static TheoryData<string> Kinds => StoreBackends.Kinds();

    private static NewRun Train(string? name = null, long seed = 7) =>
        new(name, "train", "green-arrow-maze", "world: green-arrow-maze\nseed: 7\n", seed) { CodeVersion = "git:test", Host = "test-host" };

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Runs_round_trip_with_every_field(string kind)
    {
        using var store = backends.Open(kind);
        Assert.Equal(Schema.Latest, store.SchemaVersion);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var run = store.CreateRun(Train("arrow-baseline", seed: 1234567890123));
        Assert.Matches("^[0-9a-f]{8}$", run.Id);
        var got = store.GetRun(run.Id);
        Assert.Equal(run, got);
        Assert.Equal("arrow-baseline", got.Name);
        Assert.Equal("train", got.Kind);
        Assert.Equal("green-arrow-maze", got.World);
        Assert.Equal("world: green-arrow-maze\nseed: 7\n", got.Config);
        Assert.Equal(1234567890123, got.Seed);
        Assert.Equal("git:test", got.CodeVersion);
        Assert.Equal("test-host", got.Host);
        Assert.Equal(RunStatus.Running, got.Status);
        Assert.Null(got.Finished);
        Assert.InRange(got.Created, before, DateTimeOffset.UtcNow.AddSeconds(1));

        store.UpdateRun(run.Id, RunStatus.Completed, 12.5);
        got = store.GetRun(run.Id);
        Assert.Equal(RunStatus.Completed, got.Status);
        Assert.Equal(12.5, got.WallSeconds);
        Assert.NotNull(got.Finished);
        Assert.True(got.Updated >= got.Created);

        store.UpdateRunConfig(run.Id, "seed: 8\n");
        Assert.Equal("seed: 8\n", store.GetRun(run.Id).Config);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Names_are_made_unique_and_runs_are_found_by_id_name_or_unique_prefix(string kind)
    {
        using var store = backends.Open(kind);
        var a = store.CreateRun(Train());
        var b = store.CreateRun(Train());
        var c = store.CreateRun(Train("flipped"));
        Assert.Equal("green-arrow-maze-train", a.Name);
        Assert.Equal("green-arrow-maze-train-2", b.Name);
        Assert.Equal(3, store.ListRuns().Count);
        Assert.Equal(c.Id, store.GetRun("flipped").Id);
        Assert.Equal(c.Id, store.GetRun("flip").Id);
        Assert.Equal(b.Id, store.GetRun("green-arrow-maze-train-2").Id);
        Assert.Equal(a.Id, store.GetRun("green-arrow-maze-train").Id); // an exact name wins over prefixes
        Assert.Equal(a.Id, store.GetRun(a.Id[..6]).Id);
        Assert.Equal(b.Id, store.GetRun(b.Id).Id);
        var ambiguous = Assert.Throws<UserError>(() => store.GetRun("green-arrow"));
        Assert.Contains("ambiguous", ambiguous.Message);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Unknown_run_is_one_clear_user_error(string kind)
    {
        using var store = backends.Open(kind);
        store.CreateRun(Train());
        var e = Assert.Throws<UserError>(() => store.GetRun("nosuchrun"));
        Assert.Equal($"unknown run 'nosuchrun' in {store.Location}; `mesalab runs` lists them.", e.Message);
        Assert.Null(store.FindRun("nosuchrun"));
        Assert.Throws<UserError>(() => store.UpdateRun("nosuchrun", RunStatus.Failed, 1));
        Assert.Throws<UserError>(() => store.AddMetrics("nosuchrun", [new MetricPoint(1, 1, "sps", 1)]));
        Assert.Throws<UserError>(() => store.GetEvaluation(12345));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Metrics_round_trip_upsert_and_truncate(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train());
        var other = store.CreateRun(Train());
        var points = new List<MetricPoint>();
        for (int u = 1; u <= 300; u++)
        {
            points.Add(new MetricPoint(u, u * 1024L, "episodic_return", u / 300.0));
            points.Add(new MetricPoint(u, u * 1024L, "success_rate", Math.Min(1, u / 100.0)));
            points.Add(new MetricPoint(u, u * 1024L, "sps", 25_000.5 + u));
        }
        store.AddMetrics(run.Id, points);
        store.AddMetrics(other.Id, [new MetricPoint(1, 10, "sps", 1)]);
        var all = store.Metrics(run.Id);
        Assert.Equal(900, all.Count);
        Assert.Equal(points.OrderBy(p => p.Update).ThenBy(p => p.Name, StringComparer.Ordinal), all);
        var ret = store.Metrics(run.Id, "episodic_return");
        Assert.Equal(300, ret.Count);
        Assert.Equal(1.0, ret[^1].Value);

        // Logging a name again at the same update keeps the last value.
        store.AddMetrics(run.Id, [new MetricPoint(300, 307200, "sps", 1.25)]);
        var last = store.LastMetrics(run.Id);
        Assert.Equal(["episodic_return", "sps", "success_rate"], last.Select(m => m.Name));
        Assert.All(last, m => Assert.Equal(300, m.Update));
        Assert.Equal(1.25, last.Single(m => m.Name == "sps").Value);

        // What a live view polls for: only the updates after the last one it has.
        var after = store.MetricsAfter(run.Id, 297);
        Assert.Equal([298L, 298, 298, 299, 299, 299, 300, 300, 300], after.Select(m => m.Update));
        Assert.Empty(store.MetricsAfter(run.Id, 300));
        Assert.Equal(900, store.MetricsAfter(run.Id, 0).Count);

        // A resumed run drops what was logged after its checkpoint.
        store.DeleteMetricsAfter(run.Id, 120);
        Assert.Equal(360, store.Metrics(run.Id).Count);
        Assert.Equal(120, store.LastMetrics(run.Id)[0].Update);
        Assert.Single(store.Metrics(other.Id));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Checkpoints_round_trip(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train());
        Assert.Null(store.LatestCheckpoint(run.Id));
        var t = new DateTimeOffset(2026, 11, 26, 10, 0, 0, 123, TimeSpan.Zero);
        var c1 = new CheckpointRecord(run.Id, 10, 10240, $"{run.Id}/ckpt-000010.pt", new string('a', 64), 123456, t);
        var c2 = new CheckpointRecord(run.Id, 20, 20480, $"{run.Id}/ckpt-000020.pt", new string('b', 64), 123457, t.AddMinutes(1));
        store.AddCheckpoint(c2);
        store.AddCheckpoint(c1);
        Assert.Equal([c1, c2], store.Checkpoints(run.Id));
        Assert.Equal(c2, store.LatestCheckpoint(run.Id));
        var c2b = c2 with { Sha256 = new string('c', 64), Size = 99 };
        store.AddCheckpoint(c2b); // re-saving the same update replaces the reference
        Assert.Equal([c1, c2b], store.Checkpoints(run.Id));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Evaluations_and_episodes_round_trip_with_trajectories(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train());
        var rng = new Random(3);
        var episodes = Enumerable.Range(0, 150).Select(i =>
        {
            var blob = new byte[rng.Next(0, 3000)];
            rng.NextBytes(blob);
            return new StoredEpisode(i, 1_000_000L + i, unchecked((long)0xDEADBEEFCAFEF00DUL), rng.NextDouble() * 2 - 1, rng.Next(1, 500), i % 3 == 0, i % 3 == 1, blob);
        }).ToList();
        var eval = store.AddEvaluation(new NewEvaluation(run.Id, "policy", "green-arrow-maze", "deploy", "min_size=8;max_size=12", 42), episodes);
        var scripted = store.AddEvaluation(new NewEvaluation(null, "shortest-path:arrow", "green-arrow-maze", "deploy", "min_size=8;max_size=12", 42), episodes.Take(3).ToList());
        Assert.Equal(150, eval.EpisodeCount);
        Assert.Equal(eval, store.GetEvaluation(eval.Id));
        Assert.Null(store.GetEvaluation(scripted.Id).RunId);
        Assert.Equal([eval.Id], store.Evaluations(run.Id).Select(e => e.Id));
        Assert.Equal(2, store.Evaluations().Count);
        var back = store.Episodes(eval.Id);
        Assert.Equal(episodes.Count, back.Count);
        for (int i = 0; i < episodes.Count; i++)
        {
            var (x, y) = (episodes[i], back[i]);
            Assert.Equal((x.Index, x.LevelIndex, x.LevelSeed, x.Return, x.Length, x.Terminated, x.Truncated), (y.Index, y.LevelIndex, y.LevelSeed, y.Return, y.Length, y.Terminated, y.Truncated));
            Assert.Equal(x.Trajectory, y.Trajectory);
        }
        Assert.Equal(3, store.Episodes(scripted.Id).Count);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Results_attach_json_to_runs_and_evaluations(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train());
        var eval = store.AddEvaluation(new NewEvaluation(run.Id, "policy", "green-arrow-maze", "deploy", "fp", 1), []);
        const string posterior = """{"behavioral_objective":"arrow","posterior":{"arrow":0.98,"exit":0.02},"beta":3.1,"note":"ünïcode ✓"}""";
        long r1 = store.AddResult(run.Id, eval.Id, "behavioral_objective", "deploy", posterior);
        long r2 = store.AddResult(run.Id, null, "quantilizer", "q=0.1", "[1,2,3]");
        long r3 = store.AddResult(null, null, "quantilizer", "free", "{}");
        Assert.True(r1 < r2 && r2 < r3);
        var byRun = store.Results(runId: run.Id);
        Assert.Equal([r1, r2], byRun.Select(r => r.Id));
        Assert.Equal(posterior, byRun[0].Json);
        Assert.Equal(eval.Id, byRun[0].EvaluationId);
        Assert.Equal([r1], store.Results(evaluationId: eval.Id).Select(r => r.Id));
        Assert.Equal([r2, r3], store.Results(kind: "quantilizer").Select(r => r.Id));
        Assert.Equal([r2], store.Results(run.Id, kind: "quantilizer").Select(r => r.Id));
        Assert.Throws<ArgumentException>(() => store.AddResult(run.Id, null, "x", "y", "{not json"));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Deleting_a_run_removes_everything_attached(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train());
        var keep = store.CreateRun(Train());
        store.AddMetrics(run.Id, [new MetricPoint(1, 1, "sps", 1)]);
        store.AddMetrics(keep.Id, [new MetricPoint(1, 1, "sps", 1)]);
        store.AddCheckpoint(new CheckpointRecord(run.Id, 1, 1, "x", "y", 1, DateTimeOffset.UtcNow));
        var eval = store.AddEvaluation(new NewEvaluation(run.Id, "policy", "w", "s", "fp", 1), [new StoredEpisode(0, 0, 0, 1, 1, true, false, [1, 2])]);
        store.AddResult(run.Id, eval.Id, "k", "n", "{}");
        store.DeleteRun(run.Id);
        Assert.Null(store.FindRun(run.Id));
        Assert.Empty(store.Metrics(run.Id));
        Assert.Empty(store.Checkpoints(run.Id));
        Assert.Empty(store.Episodes(eval.Id));
        Assert.Empty(store.Results(runId: run.Id));
        Assert.Throws<UserError>(() => store.GetEvaluation(eval.Id));
        Assert.Single(store.Metrics(keep.Id));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_failing_multi_row_write_leaves_nothing_behind(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train());
        // Duplicate episode indices are refused before writing; a duplicate key inside one batch fails the statement:
        // either way no evaluation row without its episodes may remain.
        Assert.Throws<ArgumentException>(() => store.AddEvaluation(new NewEvaluation(run.Id, "policy", "w", "s", "fp", 1),
            [new StoredEpisode(0, 0, 0, 1, 1, true, false, []), new StoredEpisode(0, 0, 0, 1, 1, true, false, [])]));
        Assert.Empty(store.Evaluations());
        // A metric batch whose last row breaks a constraint (NaN name is fine; a null name is not) is rolled back whole.
        var batch = Enumerable.Range(0, 500).Select(i => new MetricPoint(i, i, "sps", i)).Append(new MetricPoint(9, 9, null!, 0)).ToList();
        Assert.ThrowsAny<Exception>(() => store.AddMetrics(run.Id, batch));
        Assert.Empty(store.Metrics(run.Id));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_writer_killed_mid_transaction_leaves_the_store_readable_and_unchanged(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train());
        store.AddMetrics(run.Id, [new MetricPoint(1, 1, "sps", 1)]);
        // The "killed" writer: a transaction that writes and is never committed; its connection is dropped.
        var conn = store.OpenConnection();
        var tx = conn.BeginTransaction();
        for (int i = 2; i < 200; i++)
            conn.Execute("INSERT INTO metrics (run_id, update_index, env_step, name, value) VALUES (@id, @i, @i, 'sps', 0)", new { id = run.Id, i }, tx);
        conn.Execute("UPDATE runs SET status = 'failed' WHERE id = @id", new { id = run.Id }, tx);
        // Meanwhile readers see the committed state only, without waiting.
        Assert.Single(store.Metrics(run.Id));
        Assert.Equal(RunStatus.Running, store.GetRun(run.Id).Status);
        conn.Dispose(); // no Commit: the process died
        tx.Dispose();
        Assert.Single(store.Metrics(run.Id));
        Assert.Equal(RunStatus.Running, store.GetRun(run.Id).Status);
        // and the store still takes writes.
        store.AddMetrics(run.Id, [new MetricPoint(2, 2, "sps", 2)]);
        Assert.Equal(2, store.Metrics(run.Id).Count);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public async Task Two_store_objects_writing_from_many_threads_lose_nothing(string kind)
    {
        using var first = backends.Open(kind, out string target);
        using var second = backends.Reopen(kind, target, first.Workspace); // a second store object on the same data (MultiProcessTests uses real processes)
        var runA = first.CreateRun(Train("a"));
        var runB = second.CreateRun(Train("b"));
        const int batches = 40, perBatch = 50;
        void Write(IRunStore s, string runId) =>
            Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = 2 }, b =>
                s.AddMetrics(runId, Enumerable.Range(0, perBatch).Select(i => new MetricPoint(b * perBatch + i, i, "episodic_return", i)).ToList()));
        var t1 = Task.Run(() => Write(first, runA.Id));
        var t2 = Task.Run(() => Write(second, runB.Id));
        var t3 = Task.Run(() => { for (int i = 0; i < 10; i++) first.CreateRun(Train("same")); });
        var t4 = Task.Run(() => { for (int i = 0; i < 10; i++) second.CreateRun(Train("same")); });
        await Task.WhenAll(t1, t2, t3, t4);
        Assert.Equal(batches * perBatch, first.Metrics(runA.Id).Count);
        Assert.Equal(batches * perBatch, first.Metrics(runB.Id).Count);
        var names = first.ListRuns().Select(r => r.Name).Where(n => n.StartsWith("same", StringComparison.Ordinal)).ToList();
        Assert.Equal(20, names.Count);
        Assert.Equal(20, names.Distinct().Count());
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Reopening_keeps_data_and_does_not_migrate_twice(string kind)
    {
        string target;
        string runId;
        string workspace;
        using (var store = backends.Open(kind, out target))
        {
            runId = store.CreateRun(Train()).Id;
            workspace = store.Workspace;
        }
        using var again = backends.Reopen(kind, target, workspace);
        Assert.Equal(runId, again.GetRun(runId).Id);
        using var c = again.OpenConnection();
        Assert.Equal(Schema.Latest, c.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public void Metric_batches_are_fast_on_sqlite()
    {
        using var store = backends.Open("sqlite");
        var run = store.CreateRun(Train());
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int u = 0; u < 200; u++)
            store.AddMetrics(run.Id, Enumerable.Range(0, 10).Select(i => new MetricPoint(u, u * 1024, "m" + i, i)).ToList());
        sw.Stop();
        Assert.Equal(2000, store.Metrics(run.Id).Count);
        // 200 updates' worth of metrics, each batch its own transaction: far below a second even on a busy 2-core machine.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"200 metric batches took {sw.Elapsed.TotalMilliseconds:F0} ms");
    }
}
