namespace MesaLab.Store.Tests;

using System.Security.Cryptography;
using Dapper;

/// <summary><see cref="IRunStore.Check"/> and the migration of stores written before leases, on SQLite and PostgreSQL alike.</summary>
[Collection(StoreBackends.Collection)]
public sealed class StoreCheckTests(StoreBackends backends)
{
    public static TheoryData<string> Kinds => StoreBackends.Kinds();

    private static NewRun Train(string? name = null) => new(name, "train", "green-arrow-maze", "seed: 7\n", 7) { CodeVersion = "git:test" };

    /// <summary>Writes a checkpoint file into the workspace and records it as a producer does.</summary>
    private static CheckpointRecord SaveCheckpoint(IRunStore store, string runId, long update, int size = 4096)
    {
        var bytes = new byte[size];
        new Random((int)update).NextBytes(bytes);
        string relative = $"{runId}/ckpt-{update:D6}.mlck";
        AtomicFile.WriteAllBytes(Path.Combine(store.Workspace, relative), bytes);
        var record = new CheckpointRecord(runId, update, update * 1024, relative, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, DateTimeOffset.UtcNow);
        store.AddCheckpoint(record);
        return record;
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_sound_store_passes_the_check(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train(), RunHolder.ThisProcess());
        store.AddMetrics(run.Id, [.. Enumerable.Range(1, 50).Select(u => new MetricPoint(u, u * 1024L, "episodic_return", u))]);
        SaveCheckpoint(store, run.Id, 25);
        SaveCheckpoint(store, run.Id, 50);
        store.AddEvaluation(new NewEvaluation(run.Id, "policy", "w", "deploy", "fp", 1), [new StoredEpisode(0, 0, 0, 1, 1, true, false, [1]), new StoredEpisode(1, 1, 0, 0, 9, false, true, [2])]);
        Assert.Empty(store.Check()); // held by this live process: running is right
        store.ReleaseLease(run.Lease!, RunStatus.Completed, 10);
        Assert.Empty(store.Check());
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void The_check_names_every_kind_of_damage(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train("damaged"), RunHolder.ThisProcess());
        var ghost = store.CreateRun(Train("ghost"), new RunHolder(Environment.MachineName, RunLeaseContractTests.ExitedProcessId(), null, "dead"));
        var missing = SaveCheckpoint(store, run.Id, 10);
        File.Delete(Path.Combine(store.Workspace, missing.Path));
        var truncated = SaveCheckpoint(store, run.Id, 20);
        File.WriteAllBytes(Path.Combine(store.Workspace, truncated.Path), new byte[100]);
        var altered = SaveCheckpoint(store, run.Id, 30);
        var bytes = File.ReadAllBytes(Path.Combine(store.Workspace, altered.Path));
        bytes[1000] ^= 0xFF; // same size, one byte flipped
        File.WriteAllBytes(Path.Combine(store.Workspace, altered.Path), bytes);
        var eval = store.AddEvaluation(new NewEvaluation(run.Id, "policy", "w", "deploy", "fp", 1), [new StoredEpisode(0, 0, 0, 1, 1, true, false, [1])]);
        string temporary = Path.Combine(store.Workspace, run.Id, $".ckpt-000040.mlck.{RunLeaseContractTests.ExitedProcessId()}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, "half a checkpoint");
        store.AddMetrics(run.Id, [new MetricPoint(1, 1024, "sps", 1), new MetricPoint(2, 2048, "sps", 2)]);
        using (var c = store.OpenConnection())
        {
            c.Execute("UPDATE evaluations SET episode_count = 3 WHERE id = @Id", new { eval.Id });
            // Duplicates cannot be written through the key; a metrics table without one shows that the check would see them.
            c.Execute("CREATE TABLE metrics_copy AS SELECT * FROM metrics; DROP TABLE metrics; ALTER TABLE metrics_copy RENAME TO metrics;");
            c.Execute("INSERT INTO metrics (run_id, update_index, env_step, name, value) VALUES (@Id, 2, 2048, 'sps', 3)", new { run.Id });
        }

        var problems = store.Check();
        Assert.Equal(
            [
                (StoreProblemKind.DuplicateMetric, run.Id),
                (StoreProblemKind.EpisodeCountMismatch, run.Id),
                (StoreProblemKind.MissingCheckpointFile, run.Id),
                (StoreProblemKind.DamagedCheckpointFile, run.Id),
                (StoreProblemKind.DamagedCheckpointFile, run.Id),
                (StoreProblemKind.RunWithoutHolder, ghost.Id),
                (StoreProblemKind.AbandonedTemporaryFile, null),
            ],
            problems.Select(p => (p.Kind, p.RunId)));
        Assert.Equal($"run {run.Id} has 2 values of metric 'sps' at update 2.", problems[0].Description);
        Assert.Equal($"evaluation {eval.Id} records 3 episodes but 1 are stored.", problems[1].Description);
        Assert.Equal($"the checkpoint of run {run.Id} at update 10 ({missing.Path}) is missing from {store.Workspace}.", problems[2].Description);
        Assert.Equal($"the checkpoint of run {run.Id} at update 20 ({truncated.Path}) has 100 bytes, 4096 were recorded.", problems[3].Description);
        Assert.StartsWith($"the checkpoint of run {run.Id} at update 30 ({altered.Path}) has SHA-256 ", problems[4].Description);
        Assert.EndsWith($", {altered.Sha256} was recorded.", problems[4].Description);
        Assert.Matches($@"^run {ghost.Id} \(ghost\) is recorded as running but its holder, process \d+ on {Environment.MachineName}, is gone\.$", problems[5].Description);
        Assert.Equal($"{temporary} is the temporary file of a write that never finished.", problems[6].Description);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_store_written_before_leases_is_migrated_and_its_running_runs_read_as_interrupted(string kind)
    {
        string workspace = backends.NewDir();
        string target = kind == "sqlite" ? workspace : backends.Postgres.CreateDatabase();
        using (var c = backends.RawConnection(kind, target))
        {
            // Exactly what a MesaLab at schema version 1 left behind: a run killed while running, and a completed one.
            var dialect = kind == "sqlite" ? (SqlDialect)new SqliteDialect() : new PostgresDialect();
            c.Execute($"CREATE TABLE schema_version (version {dialect.Int} NOT NULL PRIMARY KEY, applied TEXT NOT NULL)");
            c.Execute(dialect.Expand(Schema.Migrations[0]));
            c.Execute("INSERT INTO schema_version (version, applied) VALUES (1, '2026-11-01T00:00:00.000Z')");
            c.Execute("INSERT INTO runs (id, name, kind, world, config, seed, code_version, status, created, updated, finished, wall_seconds, host) VALUES " +
                      "('0000aaaa', 'killed', 'train', 'green-arrow-maze', 'seed: 1', 1, 'git:old', 'running', '2026-11-01T10:00:00.000Z', '2026-11-01T10:05:00.000Z', NULL, 300, 'old-host'), " +
                      "('0000bbbb', 'done', 'train', 'green-arrow-maze', 'seed: 2', 2, 'git:old', 'completed', '2026-11-01T11:00:00.000Z', '2026-11-01T11:05:00.000Z', '2026-11-01T11:05:00.000Z', 300, 'old-host')");
        }

        using var store = backends.Reopen(kind, target, workspace);
        Assert.Equal(Schema.Latest, store.SchemaVersion);
        var killed = store.GetRun("killed");
        Assert.Equal((RunStatus.Running, RunStatus.Interrupted, (RunLease?)null, (string?)null), (killed.Status, killed.EffectiveStatus, killed.Lease, killed.Error));
        Assert.Equal((RunStatus.Completed, 300.0), (store.GetRun("done").EffectiveStatus, store.GetRun("done").WallSeconds));
        Assert.Equal(StoreProblemKind.RunWithoutHolder, Assert.Single(store.Check()).Kind);

        var lease = store.AcquireLease(killed.Id, RunHolder.ThisProcess());
        store.ReleaseLease(lease, RunStatus.Completed, 400);
        Assert.Empty(store.Check());
        using var again = backends.Reopen(kind, target, workspace);
        Assert.Equal(RunStatus.Completed, again.GetRun("killed").EffectiveStatus);
    }

    [Fact]
    public void The_check_reports_a_damaged_sqlite_file()
    {
        string workspace = backends.NewDir();
        string file;
        long page, pageSize;
        using (var store = (SqliteRunStore)RunStores.Open(workspace))
        {
            var run = store.CreateRun(Train(), RunHolder.ThisProcess());
            store.AddMetrics(run.Id, [.. Enumerable.Range(0, 2000).Select(u => new MetricPoint(u, u, "episodic_return", u))]);
            store.ReleaseLease(run.Lease!, RunStatus.Completed, 1);
            Assert.Empty(store.Check());
            file = store.DatabaseFile;
            using var c = store.OpenConnection();
            page = c.ExecuteScalar<long>("SELECT rootpage FROM sqlite_master WHERE name = 'metrics_by_name'");
            pageSize = c.ExecuteScalar<long>("PRAGMA page_size");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // the last connection checkpoints the WAL into the file
        using (var f = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            // Zero the root page of one index: the tables still read, only the database's own check sees it.
            f.Position = (page - 1) * pageSize;
            f.Write(new byte[pageSize]);
        }
        using var damaged = RunStores.Open(workspace);
        var problems = damaged.Check();
        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.Equal(StoreProblemKind.DamagedDatabase, p.Kind));
        Assert.StartsWith($"the database at sqlite:{file} is damaged: ", problems[0].Description);
    }
}
