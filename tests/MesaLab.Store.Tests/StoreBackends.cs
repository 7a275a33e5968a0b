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

    /// <summary>
    /// Both stores, always: a PostgreSQL case reports itself skipped (not passed) when MESALAB_SKIP_POSTGRES=1, and
    /// fails when the server binaries are missing.
    /// </summary>
    public static TheoryData<string> Kinds() => new() { "sqlite", "postgres" };

    /// <summary>The test server; throws <see cref="SkipException"/> when PostgreSQL is deliberately left untested.</summary>
    public PostgresServer Postgres
    {
        get
        {
            PostgresServer.SkipIfOptedOut();
            return postgres.Value;
        }
    }

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

    /// <summary>A plain connection to a store's database that runs no migration (to lay out an old schema by hand).</summary>
    public System.Data.Common.DbConnection RawConnection(string kind, string target)
    {
        System.Data.Common.DbConnection c = kind == "sqlite"
            ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(target, SqliteRunStore.FileName)}")
            : new Npgsql.NpgsqlConnection(target);
        c.Open();
        return c;
    }

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
