namespace MesaLab.Web.Tests;

using System.Text.Json.Nodes;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>The live training curve: while a run trains, its stream delivers the new metric points the trainer stores.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveCurveTests(DashboardStore fixture)
{
    /// <summary>One server-sent event: its type, id and data.</summary>
    private sealed record Event(string Type, string? Id, string Data);

    private static async Task<Event?> Next(StreamReader reader, CancellationToken cancel)
    {
        string? type = null, id = null, data = null;
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null) return new Event(type ?? "message", id, data);
                continue;
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }
        return null;
    }

    [Fact]
    public async Task While_a_run_trains_its_stream_delivers_the_points_the_trainer_stores()
    {
        using var readOnly = fixture.OpenReadOnly();
        using var factory = new DashboardFactory(readOnly, TimeSpan.FromMilliseconds(50));
        var client = factory.CreateClient();
        var config = ExperimentConfig.Parse(DashboardStore.TinyYaml.Replace("total_steps: 480", "total_steps: 96000", StringComparison.Ordinal) + "\nname: live-run\n", "live.yaml");
        // A budget the test never lets it finish: once the point has arrived, the training is interrupted.
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var interrupt = new CancellationTokenSource();
        var training = Task.Run(() => TrainJob.Start(fixture.Writer, config, SilentNarrator.Instance, interrupt.Token));

        // Wait until the trainer has created the run and logged its first update.
        RunRecord? run = null;
        while (!stop.IsCancellationRequested && (run is null || fixture.Writer.Metrics(run.Id).Count == 0))
        {
            run ??= fixture.Writer.ListRuns().FirstOrDefault(r => r.Name == "live-run");
            await Task.Delay(20);
        }
        Assert.NotNull(run);
        long seen = fixture.Writer.Metrics(run!.Id).Max(m => m.Update);

        using var response = await client.GetAsync($"/api/runs/{run.Id}/stream?after={seen}", HttpCompletionOption.ResponseHeadersRead, stop.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        var first = await Next(reader, stop.Token);
        Assert.Equal("status", first!.Type);
        Assert.Equal("running", (string)JsonNode.Parse(first.Data)!["status"]!);

        Event? metrics;
        do metrics = await Next(reader, stop.Token);
        while (metrics is not null && metrics.Type != "metrics");
        Assert.NotNull(metrics);
        Assert.False(training.IsCompleted, "the point arrived while the run was still training");
        var points = JsonNode.Parse(metrics!.Data)!["points"]!.AsArray();
        Assert.NotEmpty(points);
        Assert.All(points, p => Assert.True((long)p!["update"]! > seen));
        long update = (long)points[0]!["update"]!;
        Assert.True(long.Parse(metrics.Id!, System.Globalization.CultureInfo.InvariantCulture) >= update, "the event id is the last update it carries");
        // The streamed values are the stored ones.
        var stored = fixture.Writer.Metrics(run.Id).Where(m => m.Update == update).ToDictionary(m => m.Name, m => m.Value);
        foreach (var p in points.Where(p => (long)p!["update"]! == update)) Assert.Equal(stored[(string)p!["name"]!], (double)p["value"]!);

        // The training went on undisturbed until the test interrupted it.
        interrupt.Cancel();
        var result = await training;
        Assert.Equal(RunStatus.Interrupted, result.Status);
        Assert.True(result.Updates >= update);
    }
}
