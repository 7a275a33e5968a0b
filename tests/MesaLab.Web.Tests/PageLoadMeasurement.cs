namespace MesaLab.Web.Tests;

using System.Diagnostics;
using MesaLab.Store;
using Microsoft.Playwright;
using Xunit.Abstractions;

/// <summary>
/// The page-load figures of docs/dashboard.md: a store of 100 runs (copies of the fixture's trained study run, with its
/// metrics, evaluations and study figures), the runs page and a run page timed in the browser. A measurement, not a
/// check: it runs only with MESALAB_MEASURE_DASHBOARD=1 and prints medians of 5 loads.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PageLoadMeasurement(DashboardStore fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Page_load_with_100_runs()
    {
        if (Environment.GetEnvironmentVariable("MESALAB_MEASURE_DASHBOARD") != "1") return;
        string dir = Directory.CreateTempSubdirectory("mesalab-dashboard-100-").FullName;
        string? copy = null;
        using (var writer = RunStores.Open(dir))
        {
            var source = fixture.Writer.GetRun(fixture.StudyRun);
            var metrics = fixture.Writer.Metrics(source.Id);
            var evaluations = fixture.Writer.Evaluations(source.Id);
            var results = fixture.Writer.Results(source.Id);
            for (int i = 0; i < 100; i++)
            {
                var run = writer.CreateRun(new NewRun($"copy-{i:000}", source.Kind, source.World, source.Config, i));
                copy ??= run.Id;
                writer.AddMetrics(run.Id, metrics);
                foreach (var e in evaluations)
                    writer.AddEvaluation(new NewEvaluation(run.Id, e.Agent, e.World, e.Split, e.SplitFingerprint, e.Seed), fixture.Writer.Episodes(e.Id));
                foreach (var r in results) writer.AddResult(run.Id, null, r.Kind, r.Name, r.Json);
                writer.UpdateRun(run.Id, RunStatus.Completed, 1);
            }
        }
        using var store = RunStores.OpenReadOnly(dir);
        await using var server = await DashboardServer.StartAsync(store, new DashboardOptions(Port: 0));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        async Task<double> Time(string path, string ready)
        {
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(server.Url.TrimEnd('/') + path);
            await page.WaitForSelectorAsync(ready, new() { Timeout = 120_000 });
            return clock.Elapsed.TotalMilliseconds;
        }
        static double Median(List<double> xs) { xs.Sort(); return xs[xs.Count / 2]; }
        // CPU time of this process per load: the server runs in it, with the Playwright client (the browser and
        // Playwright's driver are other processes); less inflated than wall time on a loaded machine. The first loads
        // include compiling the server's code.
        var self = Process.GetCurrentProcess();
        double Cpu() { self.Refresh(); return self.TotalProcessorTime.TotalMilliseconds; }
        double cpu0 = Cpu();
        var list = new List<double>();
        for (int k = 0; k < 5; k++) list.Add(await Time("/", "#runs tbody tr:nth-child(100)"));
        double cpu1 = Cpu();
        double firstRun = await Time($"/runs/{copy}", "#player-info[data-step='0']");
        double cpu2 = Cpu();
        var runPage = new List<double>();
        for (int k = 0; k < 5; k++) runPage.Add(await Time($"/runs/{copy}", "#player-info[data-step='0']"));
        double cpu3 = Cpu();
        output.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        output.WriteLine($"runs page, 100 runs: median {Median(list):0} ms of 5 loads ({string.Join(", ", list.Select(x => x.ToString("0")))})");
        output.WriteLine($"run page (curves, analysis, player ready): first load {firstRun:0} ms (analysis computed), then median {Median(runPage):0} ms of 5 ({string.Join(", ", runPage.Select(x => x.ToString("0")))})");
        output.WriteLine($"server CPU per load: runs page {(cpu1 - cpu0) / 5:0} ms, run page first {cpu2 - cpu1:0} ms, then {(cpu3 - cpu2) / 5:0} ms");
        Directory.Delete(dir, recursive: true);
    }
}
