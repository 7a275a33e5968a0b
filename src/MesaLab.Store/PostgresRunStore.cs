namespace MesaLab.Store;

using System.Data.Common;
using Npgsql;

/// <summary>
/// The run store on a PostgreSQL server, for many machines writing to one store: the same schema and
/// contract as <see cref="SqliteRunStore"/>. Checkpoint files still live under <see cref="IRunStore.Workspace"/>,
/// which should then be a shared directory.
/// </summary>
public sealed class PostgresRunStore : SqlRunStore
{
    private readonly NpgsqlDataSource dataSource;

    /// <summary>Connects with a key=value connection string or a <c>postgres://user:password@host:port/db</c> URI, and migrates the schema.</summary>
    public PostgresRunStore(string connectionString, string workspace) : base(workspace, new PostgresDialect())
    {
        var builder = new NpgsqlConnectionStringBuilder(RunStores.ToNpgsqlConnectionString(connectionString));
        Location = $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
        dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            Directory.CreateDirectory(Workspace);
            Migrate();
        }
        catch (NpgsqlException e)
        {
            dataSource.Dispose();
            throw new MesaLab.Core.UserError($"cannot use the PostgreSQL run store at {Location}: {e.Message.TrimEnd('.')}.", e);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    public override string Location { get; }

    internal override DbConnection OpenConnection() => dataSource.OpenConnection();

    public override void Dispose() => dataSource.Dispose();
}
