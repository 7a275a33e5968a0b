namespace MesaLab.Store;

using System.Data.Common;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

/// <summary>
/// The run store on a PostgreSQL server, for many machines writing to one store: the same schema and
/// contract as <see cref="SqliteRunStore"/>. Checkpoint files still live under <see cref="IRunStore.Workspace"/>,
/// which should then be a shared directory.
/// </summary>
public sealed partial class PostgresRunStore : SqlRunStore
{
    private readonly NpgsqlDataSource dataSource;

    /// <summary>
    /// Connects with a key=value connection string or a <c>postgres://user:password@host:port/db</c> URI, and migrates
    /// the schema. A malformed connection string or a server that cannot be reached is a <see cref="UserError"/>.
    /// </summary>
    public PostgresRunStore(string connectionString, string workspace) : this(connectionString, workspace, origin: null)
    {
    }

    /// <param name="origin">Where the connection string came from, for messages (e.g. <c>MESALAB_STORE</c>).</param>
    internal PostgresRunStore(string connectionString, string workspace, string? origin, bool readOnly = false) : base(workspace, new PostgresDialect())
    {
        ReadOnly = readOnly;
        string from = origin is null ? "" : $" (from {origin})";
        NpgsqlConnectionStringBuilder builder;
        try
        {
            string npgsql = RunStores.ToNpgsqlConnectionString(connectionString);
            var known = new NpgsqlConnectionStringBuilder();
            foreach (string key in new DbConnectionStringBuilder { ConnectionString = npgsql }.Keys)
                if (!known.ContainsKey(key)) throw new ArgumentException($"'{key}' is not a connection setting Npgsql knows");
            builder = new NpgsqlConnectionStringBuilder(npgsql);
            if (string.IsNullOrWhiteSpace(builder.Host)) throw new ArgumentException("it names no host");
            if (builder.Port is < 1 or > 65535) throw new ArgumentException($"port {builder.Port} is not between 1 and 65535");
            // Read-only sessions: the server refuses every write in every transaction of this store.
            if (readOnly) builder.Options = ((builder.Options ?? "") + " -c default_transaction_read_only=on").Trim();
            dataSource = NpgsqlDataSource.Create(builder);
        }
        catch (Exception e) when (e is not UserError)
        {
            throw new UserError($"the PostgreSQL connection string '{Redact(connectionString)}'{from} is not valid ({Reason(e)}); " +
                                "expected postgres://user:password@host:port/database or Host=…;Port=…;Database=…;Username=….", e);
        }
        catch (UserError e) when (origin is not null)
        {
            throw new UserError($"{origin}: {e.Message}", e);
        }
        Location = $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
        fromOrigin = from;
        try
        {
            if (readOnly) RequireLatestSchema();
            else
            {
                Directory.CreateDirectory(Workspace);
                Migrate();
            }
        }
        catch (NpgsqlException e)
        {
            dataSource.Dispose();
            throw new UserError($"cannot use the PostgreSQL run store at {Location}{from}: {Reason(e)}.", e);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    private readonly string fromOrigin;

    public override string Location { get; }

    internal override DbConnection OpenConnection()
    {
        try
        {
            return dataSource.OpenConnection();
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or ArgumentException)
        {
            throw new UserError($"cannot reach the PostgreSQL run store at {Location}{fromOrigin}: {Reason(e)}.", e);
        }
    }

    public override void Dispose() => dataSource.Dispose();

    /// <summary>An exception's message and the causes under it, as one clause (no trailing period, no parameter names).</summary>
    private static string Reason(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null && parts.Count < 3; x = x.InnerException)
        {
            string text = ParameterSuffix().Replace(x.Message, "").Trim().TrimEnd('.');
            if (text.Length > 0 && !parts.Any(p => p.Contains(text, StringComparison.Ordinal))) parts.Add(text);
        }
        return string.Join(": ", parts);
    }

    /// <summary>The connection string with its password replaced by <c>***</c>.</summary>
    internal static string Redact(string connectionString) =>
        PasswordSetting().Replace(UriPassword().Replace(connectionString, "://$1:***@"), "$1=***");

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"(?i)\b(password|pwd)\s*=\s*[^;]*")]
    private static partial Regex PasswordSetting();

    [GeneratedRegex("://([^:@/]*):[^@/]*@")]
    private static partial Regex UriPassword();
}
