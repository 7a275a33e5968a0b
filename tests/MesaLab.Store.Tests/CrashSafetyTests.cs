namespace MesaLab.Store.Tests;

using Dapper;

using Microsoft.Data.Sqlite;
using Npgsql;

/// <summary>What a crash really leaves behind, per backend: files on disk for SQLite, a killed session for PostgreSQL.</summary>
[Collection(StoreBackends.Collection)]
public sealed class CrashSafetyTests(StoreBackends backends)
{
    private static NewRun Train() => new(null, "train", "green-arrow-maze", "seed: 1\n", 1);

    [Fact]
    public void Sqlite_files_copied_mid_transaction_open_as_a_consistent_store_without_the_uncommitted_rows()
    {
        using var store = (SqliteRunStore)backends.Open("sqlite");
        var run = store.CreateRun(Train());
        store.AddMetrics(run.Id, [new MetricPoint(1, 1, "sps", 1)]);
        var committed = store.AddEvaluation(new NewEvaluation(run.Id, "policy", "w", "s", "fp", 1), [new StoredEpisode(0, 0, 0, 1, 1, true, false, [7, 7])]);

        // A writer in the middle of a big transaction, with a tiny page cache so its dirty pages spill into the WAL
        // file before commit: the on-disk state at this moment is what a kill -9 would leave.
        string crashDir = backends.NewDir();
        using (var c = (SqliteConnection)store.OpenConnection())
        {
            c.Execute("PRAGMA cache_size=8");
            using var tx = c.BeginTransaction();
            long evalId = c.ExecuteScalar<long>("INSERT INTO evaluations (run_id, agent, world, split, split_fingerprint, seed, episode_count, created) VALUES (@id, 'policy', 'w', 's', 'fp', 2, 400, '2026-01-01T00:00:00.000Z') RETURNING id", new { id = run.Id }, tx);
            var blob = new byte[16_384];
            new Random(1).NextBytes(blob);
            for (int i = 0; i < 400; i++)
                c.Execute("INSERT INTO episodes VALUES (@evalId, @i, 0, 0, 0, 1, 0, 0, @blob)", new { evalId, i, blob }, tx);
            Assert.True(new FileInfo(store.DatabaseFile + "-wal").Length > 1_000_000, "the uncommitted pages should have spilled into the WAL");
            File.Copy(store.DatabaseFile, Path.Combine(crashDir, SqliteRunStore.FileName));
            File.Copy(store.DatabaseFile + "-wal", Path.Combine(crashDir, SqliteRunStore.FileName + "-wal"));
            // the transaction never commits
        }

        using var recovered = (SqliteRunStore)RunStores.Open(crashDir);
        using (var c = recovered.OpenConnection())
            Assert.Equal("ok", c.ExecuteScalar<string>("PRAGMA integrity_check"));
        Assert.Equal(run.Id, recovered.GetRun(run.Id).Id);
        Assert.Single(recovered.Metrics(run.Id));
        Assert.Equal([committed.Id], recovered.Evaluations().Select(e => e.Id));
        Assert.Equal([7, 7], recovered.Episodes(committed.Id).Single().Trajectory);
        recovered.AddMetrics(run.Id, [new MetricPoint(2, 2, "sps", 2)]); // and it takes writes
        Assert.Equal(2, recovered.Metrics(run.Id).Count);
    }

    [SkippableFact]
    public void Postgres_session_killed_mid_transaction_leaves_nothing_and_the_store_works()
    {
        using var store = backends.Open("postgres");
        var run = store.CreateRun(Train());
        store.AddMetrics(run.Id, [new MetricPoint(1, 1, "sps", 1)]);
        var victim = (NpgsqlConnection)store.OpenConnection();
        int pid = victim.ProcessID;
        var tx = victim.BeginTransaction();
        for (int i = 2; i < 100; i++)
            victim.Execute("INSERT INTO metrics (run_id, update_index, env_step, name, value) VALUES (@id, @i, @i, 'sps', 0)", new { id = run.Id, i }, tx);
        using (var admin = store.OpenConnection())
            Assert.True(admin.ExecuteScalar<bool>("SELECT pg_terminate_backend(@pid)", new { pid }));
        Assert.ThrowsAny<Exception>(() => tx.Commit());
        victim.Dispose();
        Assert.Single(store.Metrics(run.Id));
        store.AddMetrics(run.Id, [new MetricPoint(2, 2, "sps", 2)]);
        Assert.Equal(2, store.Metrics(run.Id).Count);
    }

    [Fact]
    public void A_file_that_is_not_a_store_is_a_user_error_and_is_left_alone()
    {
        string dir = backends.NewDir();
        string file = Path.Combine(dir, SqliteRunStore.FileName);
        File.WriteAllText(file, "these are my notes, not a database; please keep them around for a long while");
        var e = Assert.Throws<UserError>(() => RunStores.Open(dir));
        Assert.StartsWith($"{file} is not a MesaLab run store", e.Message);
        Assert.Equal("these are my notes, not a database; please keep them around for a long while", File.ReadAllText(file));
    }

    [Fact]
    public void A_store_from_a_newer_mesalab_is_refused_not_misread()
    {
        string dir = backends.NewDir();
        using (var store = (SqlRunStore)RunStores.Open(dir))
        using (var c = store.OpenConnection())
            c.Execute("INSERT INTO schema_version (version, applied) VALUES (@v, 'later')", new { v = Schema.Latest + 1 });
        var e = Assert.Throws<UserError>(() => RunStores.Open(dir));
        Assert.Contains($"has schema version {Schema.Latest + 1}, newer than this MesaLab understands ({Schema.Latest})", e.Message);
    }

    [Fact]
    public void Missing_postgresql_binaries_fail_loudly_with_how_to_fix_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new PostgresServer("/nonexistent/postgresql", "/nonexistent/bin"));
        Assert.Contains("PostgreSQL server binaries not found", e.Message);
        Assert.Contains("apt-get install postgresql", e.Message);
        Assert.Contains("MESALAB_SKIP_POSTGRES=1", e.Message);
    }

    [Theory]
    [InlineData("postgres://alice:s%40cret@db.example:6543/mesalab?sslmode=disable", "db.example", 6543, "mesalab", "alice", "s@cret")]
    [InlineData("postgresql://bob@localhost/runs", "localhost", 5432, "runs", "bob", null)]
    public void Postgres_uris_become_npgsql_connection_strings(string uri, string host, int port, string db, string user, string? password)
    {
        var b = new NpgsqlConnectionStringBuilder(RunStores.ToNpgsqlConnectionString(uri));
        Assert.Equal((host, port, db, user, password), (b.Host, b.Port, b.Database, b.Username, b.Password));
        Assert.True(RunStores.IsPostgres(uri));
        Assert.True(RunStores.IsPostgres("Host=x;Database=y"));
        Assert.False(RunStores.IsPostgres("./mesalab-runs"));
    }
}
