namespace MesaLab.Store.Tests;

/// <summary>A store that cannot be opened is one sentence naming it, never a driver's exception.</summary>
[Collection(StoreBackends.Collection)] // sets MESALAB_STORE, so it runs apart from the other store tests
public sealed class StoreOpeningTests(StoreBackends backends, Xunit.Abstractions.ITestOutputHelper output)
{
    private UserError OpenWithVariable(string value, string workspace)
    {
        string? before = Environment.GetEnvironmentVariable(RunStores.StoreVariable);
        Environment.SetEnvironmentVariable(RunStores.StoreVariable, value);
        try
        {
            var e = Assert.Throws<UserError>(() => RunStores.OpenWorkspace(workspace).Dispose());
            output.WriteLine(e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.EndsWith(".", e.Message);
            Assert.DoesNotContain("s3cret", e.Message);
            return e;
        }
        finally
        {
            Environment.SetEnvironmentVariable(RunStores.StoreVariable, before);
        }
    }

    [Theory]
    [InlineData("Host=db.example;Port=fifty;Password=s3cret", "Host=db.example;Port=fifty;Password=***", "Couldn't set port: The input string 'fifty' was not in a correct format")]
    [InlineData("Host=db.example;Colour=blue;Password=s3cret", "Host=db.example;Colour=blue;Password=***", "'colour' is not a connection setting Npgsql knows")]
    [InlineData("Host=;Database=runs;Password=s3cret", "Host=;Database=runs;Password=***", "it names no host")]
    [InlineData("Host=db.example;Port=70000;Password=s3cret", "Host=db.example;Port=70000;Password=***", "port 70000 is not between 1 and 65535")]
    [InlineData("Host=db.example;Password=s3cret;Database", "Host=db.example;Password=***", "Format of the initialization string")]
    public void A_malformed_connection_string_in_MESALAB_STORE_is_one_sentence(string value, string shown, string reason)
    {
        var e = OpenWithVariable(value, backends.NewDir());
        Assert.StartsWith($"the PostgreSQL connection string '{shown}", e.Message);
        Assert.Contains($"' (from MESALAB_STORE) is not valid ({reason}", e.Message);
        Assert.EndsWith("); expected postgres://user:password@host:port/database or Host=…;Port=…;Database=…;Username=….", e.Message);
    }

    [Fact]
    public void A_malformed_uri_in_MESALAB_STORE_is_one_sentence()
    {
        var e = OpenWithVariable("postgres://alice:s3cret@db.example:99999/runs", backends.NewDir());
        Assert.Equal("MESALAB_STORE: 'postgres://alice:***@db.example:99999/runs' is not a valid PostgreSQL URI; expected postgres://user:password@host:port/database.", e.Message);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Database=runs;Password=s3cret;Timeout=5", "cannot reach the PostgreSQL run store at postgresql://127.0.0.1:1/runs (from MESALAB_STORE): ")]
    [InlineData("Host=no-such-host.invalid;Database=runs;Password=s3cret;Timeout=5", "cannot reach the PostgreSQL run store at postgresql://no-such-host.invalid:5432/runs (from MESALAB_STORE): ")]
    public void An_unreachable_server_is_one_sentence(string value, string start)
    {
        var e = OpenWithVariable(value, backends.NewDir());
        Assert.StartsWith(start, e.Message);
    }

    [SkippableFact]
    public void A_database_the_server_does_not_have_is_one_sentence()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(backends.Postgres.ConnectionString("no_such_database"));
        var e = Assert.Throws<UserError>(() => RunStores.Open(b.ConnectionString, backends.NewDir()));
        Assert.StartsWith($"cannot ", e.Message);
        Assert.Contains($"postgresql://127.0.0.1:{backends.Postgres.Port}/no_such_database: ", e.Message);
        Assert.Contains("no_such_database", e.Message[e.Message.IndexOf(": ", StringComparison.Ordinal)..]);
    }
}
