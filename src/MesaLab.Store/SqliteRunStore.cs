namespace MesaLab.Store;

using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

/// <summary>
/// The default run store: one SQLite file (<c>mesalab.db</c>) in the workspace, in WAL mode so readers
/// never block the writer, with a busy timeout so concurrent writers (two training processes) queue.
/// </summary>
public sealed class SqliteRunStore : SqlRunStore
{
    public const string FileName = "mesalab.db";

    private readonly string connectionString;

    /// <summary>Opens (creating and migrating if needed) <paramref name="databaseFile"/>, or <c>workspace/mesalab.db</c> when it is null.</summary>
    public SqliteRunStore(string workspace, string? databaseFile = null) : this(workspace, databaseFile, readOnly: false)
    {
    }

    /// <summary>
    /// With <paramref name="readOnly"/>, opens an existing database without creating or migrating anything: SQLite
    /// itself refuses every write on its connections (what a viewer such as <c>mesalab serve</c> uses).
    /// </summary>
    public SqliteRunStore(string workspace, string? databaseFile, bool readOnly) : base(workspace, new SqliteDialect())
    {
        ReadOnly = readOnly;
        if (!readOnly) Directory.CreateDirectory(Workspace);
        DatabaseFile = Path.GetFullPath(databaseFile ?? Path.Combine(Workspace, FileName));
        if (readOnly && !File.Exists(DatabaseFile))
            throw new MesaLab.Core.UserError($"{DatabaseFile} does not exist; point --workspace (or {RunStores.StoreVariable}) at a directory that holds a run store.");
        if (!readOnly) Directory.CreateDirectory(Path.GetDirectoryName(DatabaseFile)!);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabaseFile,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        try
        {
            if (readOnly)
            {
                RequireLatestSchema();
                return;
            }
            using (var c = OpenConnection())
                c.Execute("PRAGMA journal_mode=WAL"); // persistent: stored in the file
            Migrate();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 or 11) // SQLITE_NOTADB, SQLITE_CORRUPT
        {
            throw new MesaLab.Core.UserError($"{DatabaseFile} is not a MesaLab run store (SQLite says: {e.Message.TrimEnd('.')}); move it away or choose another --workspace.", e);
        }
        catch (SqliteException e) when (readOnly && e.SqliteErrorCode == 1) // SQLITE_ERROR: no schema_version table
        {
            throw new MesaLab.Core.UserError($"{DatabaseFile} is not a MesaLab run store (SQLite says: {e.Message.TrimEnd('.')}); point --workspace at the directory that holds one.", e);
        }
    }

    public string DatabaseFile { get; }

    public override string Location => "sqlite:" + DatabaseFile;

    internal override DbConnection OpenConnection()
    {
        var c = new SqliteConnection(connectionString);
        c.Open();
        // Per-connection settings. synchronous=NORMAL in WAL mode never corrupts the file on a crash;
        // a power cut may lose the last commits, a killed process loses nothing committed.
        using var cmd = c.CreateCommand();
        cmd.CommandText = ReadOnly ? "PRAGMA busy_timeout=60000;" : "PRAGMA busy_timeout=60000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
        cmd.ExecuteNonQuery();
        return c;
    }

    // Microsoft.Data.Sqlite begins IMMEDIATE unless asked for a deferred transaction: the write lock is
    // taken at BEGIN, so two writers queue on the busy timeout instead of failing on lock upgrade.
    private protected override DbTransaction BeginWrite(DbConnection c) => ((SqliteConnection)c).BeginTransaction(IsolationLevel.Serializable, deferred: false);

    private protected override IReadOnlyList<string> DatabaseDamage(DbConnection c)
    {
        try
        {
            return c.Query<string>("PRAGMA integrity_check").Where(line => line != "ok").ToList();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // damage bad enough that the check itself stops
        {
            return [e.Message.TrimEnd('.')];
        }
    }

    public override void Dispose()
    {
        // Release pooled handles so the workspace can be moved or deleted right away.
        using var c = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(c);
    }
}
