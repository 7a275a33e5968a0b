namespace MesaLab.Store;

using Npgsql;

/// <summary>
/// Opens the run store. SQLite in the workspace by default; PostgreSQL when the target (or the
/// <c>MESALAB_STORE</c> environment variable) is a connection string.
/// </summary>
public static class RunStores
{
    /// <summary>The workspace used when none is given: <c>./mesalab-runs</c>.</summary>
    public const string DefaultWorkspace = "mesalab-runs";

    /// <summary>Environment variable naming the store: a PostgreSQL connection string or a SQLite file path.</summary>
    public const string StoreVariable = "MESALAB_STORE";

    /// <summary>
    /// Opens the store. <paramref name="target"/> is a workspace directory (SQLite file <c>mesalab.db</c> inside),
    /// or a PostgreSQL connection string (<c>postgres://…</c>, <c>postgresql://…</c> or <c>Host=…</c>).
    /// When <paramref name="target"/> is null, <c>MESALAB_STORE</c> decides, then <c>./mesalab-runs</c>.
    /// <paramref name="workspace"/> is where checkpoint files go (default: the target directory, or <c>./mesalab-runs</c>).
    /// </summary>
    public static IRunStore Open(string? target = null, string? workspace = null)
    {
        string? origin = null;
        if (target is null && Environment.GetEnvironmentVariable(StoreVariable) is { Length: > 0 } env)
            (target, origin) = (env, StoreVariable);
        return Open(target, workspace, origin);
    }

    private static IRunStore Open(string? target, string? workspace, string? origin)
    {
        if (target is not null && IsPostgres(target))
            return new PostgresRunStore(target, workspace ?? DefaultWorkspace, origin);
        if (target is not null && target.EndsWith(".db", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(target))
            return new SqliteRunStore(workspace ?? Path.GetDirectoryName(Path.GetFullPath(target))!, target);
        return new SqliteRunStore(target ?? workspace ?? DefaultWorkspace);
    }

    /// <summary>
    /// Opens the store for a verb's <c>--workspace</c> option: <c>MESALAB_STORE</c> (if set) holds the data, the directory
    /// holds the files. The directory is made if missing and checked to be writable first, so a workspace that cannot hold
    /// runs is one sentence before any work starts.
    /// </summary>
    public static IRunStore OpenWorkspace(string? workspace)
    {
        MesaLab.Core.OutputPaths.CheckDirectory(workspace ?? DefaultWorkspace, workspace is null ? "the workspace" : "--workspace");
        string? env = Environment.GetEnvironmentVariable(StoreVariable);
        if (env is { Length: > 0 }) return Open(env, workspace ?? DefaultWorkspace, StoreVariable);
        return Open(workspace ?? DefaultWorkspace);
    }

    /// <summary>
    /// Opens an existing store for a verb that only reads runs (show, evaluate RUN, report, transparency):
    /// unlike <see cref="OpenWorkspace"/> it never creates an empty SQLite database where there was none,
    /// and says so in one sentence instead.
    /// </summary>
    public static IRunStore OpenExistingWorkspace(string? workspace)
    {
        if (!HasStore(workspace))
        {
            string dir = Path.GetFullPath(workspace ?? DefaultWorkspace);
            throw new MesaLab.Core.UserError($"workspace '{dir}' has no run store ({SqliteRunStore.FileName} does not exist there); train a run first with `mesalab train`, or point --workspace at the directory that holds one.");
        }
        return OpenWorkspace(workspace);
    }

    /// <summary>
    /// Opens an existing store read-only for a viewer (<c>mesalab serve</c>): <c>MESALAB_STORE</c> when set, else the
    /// workspace's SQLite file. Nothing is created or migrated, and the database itself refuses writes (SQLite opened
    /// read-only; PostgreSQL sessions with <c>default_transaction_read_only</c>). A <paramref name="target"/> (a
    /// connection string or a <c>.db</c> file) takes the place of <c>MESALAB_STORE</c>.
    /// </summary>
    public static IRunStore OpenReadOnly(string? workspace, string? target = null)
    {
        string? env = target ?? Environment.GetEnvironmentVariable(StoreVariable);
        string dir = workspace ?? DefaultWorkspace;
        if (env is { Length: > 0 } && IsPostgres(env)) return new PostgresRunStore(env, dir, target is null ? StoreVariable : null, readOnly: true);
        if (env is { Length: > 0 } && env.EndsWith(".db", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(env))
            return new SqliteRunStore(workspace ?? Path.GetDirectoryName(Path.GetFullPath(env))!, env, readOnly: true);
        string directory = env is { Length: > 0 } ? env : dir;
        if (!File.Exists(Path.Combine(directory, SqliteRunStore.FileName)))
            throw new MesaLab.Core.UserError($"workspace '{Path.GetFullPath(directory)}' has no run store ({SqliteRunStore.FileName} does not exist there); train a run first with `mesalab train`, or point --workspace at the directory that holds one.");
        return new SqliteRunStore(directory, null, readOnly: true);
    }

    /// <summary>Whether the store a verb's <c>--workspace</c> names exists already (PostgreSQL stores always count as existing).</summary>
    public static bool HasStore(string? workspace)
    {
        string? env = Environment.GetEnvironmentVariable(StoreVariable);
        string target = env is { Length: > 0 } ? env : workspace ?? DefaultWorkspace;
        if (IsPostgres(target)) return true;
        if (target.EndsWith(".db", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(target)) return File.Exists(target);
        return File.Exists(Path.Combine(target, SqliteRunStore.FileName));
    }

    public static bool IsPostgres(string target) =>
        target.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
        target.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
        target.StartsWith("Host=", StringComparison.OrdinalIgnoreCase) ||
        target.StartsWith("Server=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Turns a <c>postgres://user:password@host:port/database?key=value</c> URI into an Npgsql connection string (others pass through).</summary>
    public static string ToNpgsqlConnectionString(string target)
    {
        if (!target.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !target.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return target;
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri))
            throw new MesaLab.Core.UserError($"'{PostgresRunStore.Redact(target)}' is not a valid PostgreSQL URI; expected postgres://user:password@host:port/database.");
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0) b.Port = uri.Port;
        string db = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (db.Length > 0) b.Database = db;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1) b.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            string value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
            try
            {
                b[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value;
            }
            catch (ArgumentException)
            {
                throw new MesaLab.Core.UserError($"PostgreSQL URI option '{key}' is not a connection setting Npgsql knows.");
            }
        }
        return b.ConnectionString;
    }
}
