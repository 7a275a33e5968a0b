namespace MesaLab.Web.Tests;

using System.Text.Json.Nodes;
using MesaLab.Store;
using MesaLab.Store.Tests;

/// <summary>
/// A test that needs the PostgreSQL server binaries: skipped with the reason when they are not installed or when
/// MESALAB_SKIP_POSTGRES=1, except under CI (<c>CI=true</c>), where .ci/run installs them and the test runs (and fails
/// if they are missing).
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) return;
        if (PostgresServer.Skipped) Skip = $"PostgreSQL store not served: {PostgresServer.SkipVariable}=1.";
        else if (!PostgresServer.BinariesPresent())
            Skip = "PostgreSQL store not served: the server binaries are not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH); `apt-get install postgresql`, as .ci/run does.";
    }
}

/// <summary><c>mesalab serve</c> over a PostgreSQL store (a real server started from initdb): read-only, and it serves the runs.</summary>
public sealed class PostgresServingTests : IDisposable
{
    private readonly string workspace = Directory.CreateTempSubdirectory("mesalab-dashboard-pg-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(workspace, recursive: true); } catch (IOException) { }
    }

    [PostgresFact]
    public async Task A_postgresql_store_is_served_read_only_with_its_runs_and_a_run_page_s_data()
    {
        using var server = new PostgresServer();
        string target = server.CreateDatabase();
        string arrow;
        using (var writer = RunStores.Open(target, workspace))
            arrow = DashboardStore.RecordArrowSeeker(writer);

        using var store = RunStores.OpenReadOnly(workspace, target);
        Assert.IsType<PostgresRunStore>(store);
        Assert.True(((SqlRunStore)store).ReadOnly);
        using var factory = new DashboardFactory(store);
        var client = factory.CreateClient();

        var runs = JsonNode.Parse(await client.GetStringAsync("/api/runs"))!["runs"]!.AsArray();
        var listed = Assert.Single(runs)!;
        Assert.Equal(arrow, (string)listed["id"]!);
        Assert.Equal("completed", (string)listed["status"]!);

        // What the run page draws: its facts, its curve, its analysis (computed from the stored episodes) and a frame.
        var run = JsonNode.Parse(await client.GetStringAsync($"/api/runs/{arrow}"))!;
        Assert.Equal("arrow-seeker", (string)run["name"]!);
        var metrics = JsonNode.Parse(await client.GetStringAsync($"/api/runs/{arrow}/metrics"))!["points"]!.AsArray();
        Assert.Equal([0.25, 0.5], metrics.Select(p => (double)p!["value"]!));
        var analysis = JsonNode.Parse(await client.GetStringAsync($"/api/runs/{arrow}/analysis"))!;
        Assert.True((bool)analysis["available"]!, analysis.ToJsonString());
        var deploy = analysis["splits"]!.AsArray().Single(s => (string)s!["split"]! == "deploy")!;
        Assert.Equal("arrow", (string)deploy["behavioral"]!["verdict"]!);
        Assert.Equal(30, deploy["episodes"]!.AsArray().Count);
        long evaluation = (long)deploy["evaluation_id"]!;
        var frame = await client.GetAsync($"/api/evaluations/{evaluation}/episodes/0/frames/1.png");
        Assert.True(frame.IsSuccessStatusCode);
        Assert.Equal("image/png", frame.Content.Headers.ContentType!.MediaType);
        Assert.True((await client.GetAsync($"/runs/{arrow}")).IsSuccessStatusCode);

        // The dashboard's connection refuses writes in the database, and nothing it served changed the store.
        Assert.ThrowsAny<Npgsql.PostgresException>(() => store.AddMetrics(arrow, [new MetricPoint(3, 300, "episodic_return", 0.75)]));
        Assert.ThrowsAny<Exception>(() => store.CreateRun(new NewRun("intruder", "train", "green-arrow-maze", "world: green-arrow-maze\n", 1)));
        using var check = RunStores.Open(target, workspace);
        Assert.Single(check.ListRuns());
        Assert.Equal(2, check.Metrics(arrow).Count);
    }
}
