namespace MesaLab.Store.Tests;

/// <summary>
/// Opens fresh, empty stores of each kind for the contract tests: SQLite in a temp workspace, PostgreSQL
/// in a new database on a server started once for the test class.
/// </summary>
public sealed class StoreBackends : IDisposable
{
    /// <summary>The test collection sharing one backends fixture (one PostgreSQL server for the whole run).</summary>
    public const string Collection = "run stores";

    private readonly Lazy<PostgresServer> postgres = new(() => new PostgresServer(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly List<string> dirs = [];

    /// <summary>"sqlite" always; "postgres" unless MESALAB_SKIP_POSTGRES=1 (a missing server then fails the tests that need it).</summary>
    public static TheoryData<string> Kinds()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (!PostgresServer.Skipped) data.Add("postgres");
        return data;
    }

    public PostgresServer Postgres => postgres.Value;

    /// <summary>A new empty store; <paramref name="target"/> receives what opens the same store again.</summary>
    public SqlRunStore Open(string kind, out string target)
    {
        string workspace = NewDir();
        if (kind == "sqlite")
        {
            target = workspace;
            return (SqlRunStore)RunStores.Open(workspace);
        }
        target = Postgres.CreateDatabase();
        return (SqlRunStore)RunStores.Open(target, workspace);
    }

    public SqlRunStore Open(string kind) => Open(kind, out _);

    /// <summary>Opens another store object on the same data (as a second process would).</summary>
    public SqlRunStore Reopen(string kind, string target, string workspace) => (SqlRunStore)RunStores.Open(target, workspace);

    public string NewDir()
    {
        string d = Directory.CreateTempSubdirectory("mesalab-store-").FullName;
        lock (dirs) dirs.Add(d);
        return d;
    }

    public void Dispose()
    {
        if (postgres.IsValueCreated) postgres.Value.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var d in dirs)
            try { Directory.Delete(d, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(StoreBackends.Collection)]
public sealed class StoreBackendsCollection : ICollectionFixture<StoreBackends>;
