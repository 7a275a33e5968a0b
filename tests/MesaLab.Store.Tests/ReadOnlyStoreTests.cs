namespace MesaLab.Store.Tests;

/// <summary>A store opened read-only (what <c>mesalab serve</c> uses) reads everything and the database refuses every write.</summary>
[Collection(StoreBackends.Collection)]
public sealed class ReadOnlyStoreTests(StoreBackends backends)
{
    public static TheoryData<string> Kinds => StoreBackends.Kinds();

    private static NewRun Train() => new("viewed", "train", "green-arrow-maze", "world: green-arrow-maze\n", 3) { CodeVersion = "git:test", Host = "test-host" };

    private static IRunStore OpenReadOnly(string kind, string target, string workspace) =>
        kind == "sqlite" ? RunStores.OpenReadOnly(target) : RunStores.OpenReadOnly(workspace, target);

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_read_only_store_reads_what_a_writer_stored_and_refuses_writes(string kind)
    {
        using var writer = backends.Open(kind, out string target);
        var run = writer.CreateRun(Train());
        writer.AddMetrics(run.Id, [new MetricPoint(1, 64, "episodic_return", 0.5)]);
        var evaluation = writer.AddEvaluation(new NewEvaluation(run.Id, "policy", "green-arrow-maze", "deploy", "fp", 1),
            [new StoredEpisode(0, 4, 9, 1, 3, true, false, [1, 2, 3])]);

        using var reader = OpenReadOnly(kind, target, writer.Workspace);
        Assert.True(((SqlRunStore)reader).ReadOnly);
        Assert.Equal(run.Id, reader.GetRun("viewed").Id);
        Assert.Single(reader.Metrics(run.Id));
        Assert.Equal([1, 2, 3], reader.Episodes(evaluation.Id)[0].Trajectory);

        // Writes fail in the database, and nothing changes.
        Assert.ThrowsAny<Exception>(() => reader.AddMetrics(run.Id, [new MetricPoint(2, 128, "episodic_return", 0.7)]));
        Assert.ThrowsAny<Exception>(() => reader.CreateRun(Train()));
        Assert.ThrowsAny<Exception>(() => reader.DeleteRun(run.Id));
        Assert.Single(writer.Metrics(run.Id));
        Assert.Single(writer.ListRuns());

        // What the writer adds later, the reader sees.
        writer.AddMetrics(run.Id, [new MetricPoint(2, 128, "episodic_return", 0.7)]);
        Assert.Equal([2L], reader.MetricsAfter(run.Id, 1).Select(m => m.Update));
    }

    [Fact]
    public void A_workspace_without_a_store_is_one_sentence_and_nothing_is_created()
    {
        string dir = Path.Combine(backends.NewDir(), "empty");
        var e = Assert.Throws<UserError>(() => RunStores.OpenReadOnly(dir));
        Assert.Contains("has no run store (mesalab.db does not exist there)", e.Message);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_store_at_an_older_schema_is_refused_rather_than_migrated()
    {
        string dir = backends.NewDir();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dir, SqliteRunStore.FileName)}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied TEXT NOT NULL); INSERT INTO schema_version VALUES (1, 'x');";
            cmd.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var e = Assert.Throws<UserError>(() => RunStores.OpenReadOnly(dir));
        Assert.Contains("has schema version 1, older than this MesaLab's", e.Message);
        Assert.Contains("opened read-only", e.Message);
    }
}
