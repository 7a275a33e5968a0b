namespace MesaLab.Web.Tests;

using MesaLab.Store;
using Microsoft.Playwright;

/// <summary>
/// A test in headless Chromium (Debian's <c>chromium</c>, which .ci/run installs; Playwright cannot download browsers
/// here). Set MESALAB_SKIP_BROWSER=1 to leave it out; without a browser and without that variable it fails, naming the
/// package to install.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MESALAB_SKIP_BROWSER") == "1") Skip = "browser test left out: MESALAB_SKIP_BROWSER=1";
    }
}

/// <summary>The pages in a real browser against a real server: curves drawn and updated live, the episode player stepping, links followed, no console errors.</summary>
[Collection(DashboardCollection.Name)]
public sealed class BrowserTests(DashboardStore fixture)
{
    private static string Chromium() =>
        new[] { Environment.GetEnvironmentVariable("MESALAB_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
        ?? throw new InvalidOperationException("no Chromium at /usr/bin/chromium: install Debian's package (apt-get install chromium; .ci/run does) or set MESALAB_SKIP_BROWSER=1.");

    /// <summary>Where screenshots for docs/dashboard.md go when MESALAB_SCREENSHOTS names a directory.</summary>
    private static async Task Shot(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("MESALAB_SCREENSHOTS") is { Length: > 0 } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    /// <summary>Whether a canvas has any painted pixel.</summary>
    private static Task<bool> Drawn(IPage page, string selector) => page.EvalOnSelectorAsync<bool>(selector,
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; }");

    [BrowserFact]
    public async Task The_pages_draw_update_live_step_episodes_and_follow_links_without_console_errors()
    {
        using var store = fixture.OpenReadOnly();
        await using var server = await DashboardServer.StartAsync(store, new DashboardOptions(Port: 0, PollInterval: TimeSpan.FromMilliseconds(100)));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium(), Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add($"{page.Url}: {m.Text}"); };
        page.PageError += (_, e) => errors.Add($"{page.Url}: {e}");
        string url = server.Url.TrimEnd('/');

        // The run list: every run, a filter, two runs selected for comparison.
        await page.GotoAsync(url + "/");
        await page.WaitForSelectorAsync($"#runs tr[data-run='{fixture.ArrowRun}']");
        Assert.Equal(fixture.Writer.ListRuns().Count, await page.Locator("#runs tbody tr").CountAsync());
        await Shot(page, "runs");
        await page.FillAsync("#filter-text", "arrow-seek");
        Assert.Equal(1, await page.Locator("#runs tbody tr").CountAsync());
        await page.FillAsync("#filter-text", "");
        await page.CheckAsync($"#runs tr[data-run='{fixture.ArrowRun}'] input");
        await page.CheckAsync($"#runs tr[data-run='{fixture.StudyRun}'] input");
        await page.ClickAsync("#compare");
        await page.WaitForSelectorAsync("#compare-table table");
        await page.WaitForFunctionAsync("() => Chart.getChart(document.getElementById('compare-episodic_return'))?.data.datasets.length === 2");
        await Shot(page, "compare");

        // The arrow-seeker's run page: outcome and objective charts drawn, the decomposition, and the episode player.
        await page.GotoAsync($"{url}/runs/{fixture.ArrowRun}");
        await page.WaitForSelectorAsync("#curve-episodic_return");
        Assert.True(await Drawn(page, "#curve-episodic_return"));
        await page.WaitForSelectorAsync("#outcomes-deploy");
        Assert.True(await Drawn(page, "#outcomes-deploy"));
        Assert.True(await Drawn(page, "#behavioral-deploy"));
        Assert.Contains("objective robustness", await page.InnerTextAsync("#decomposition"));
        var info = page.Locator("#player-info");
        await page.WaitForFunctionAsync("() => document.getElementById('player-info').dataset.step === '0'");
        Assert.True(await Drawn(page, "#player-canvas"));
        string x0 = (await info.GetAttributeAsync("data-x"))!, y0 = (await info.GetAttributeAsync("data-y"))!;
        await page.ClickAsync("#player-forward");
        await page.WaitForFunctionAsync("() => document.getElementById('player-info').dataset.step === '1'");
        var (x1, y1) = (int.Parse((await info.GetAttributeAsync("data-x"))!), int.Parse((await info.GetAttributeAsync("data-y"))!));
        Assert.NotEqual((x0, y0), (x1.ToString(), y1.ToString())); // a shortest-path agent moves on its first step
        // The picture shows the agent on its new cell, and no longer on the start.
        int cs = int.Parse((await page.GetAttributeAsync("#player-canvas", "data-cell-size"))!);
        async Task<int[]> Pixel(int cx, int cy) => await page.EvalOnSelectorAsync<int[]>("#player-canvas",
            $"c => Array.from(c.getContext('2d').getImageData({cx * cs + cs / 2}, {cy * cs + cs / 2}, 1, 1).data)");
        int[] agent = [30, 90, 220, 255]; // Palette.Agent
        int[] atNew = await Pixel(x1, y1), atStart = await Pixel(int.Parse(x0), int.Parse(y0));
        Assert.Equal(agent, atNew);
        Assert.NotEqual(agent, atStart);
        await page.ClickAsync("#player-back");
        await page.WaitForFunctionAsync("() => document.getElementById('player-info').dataset.step === '0'");
        await page.FillAsync("#player-scrub", "3");
        await page.WaitForFunctionAsync("() => document.getElementById('player-info').dataset.step === '3'");
        await page.ClickAsync("#player-play");
        await page.WaitForFunctionAsync("() => +document.getElementById('player-info').dataset.step > 3");
        await page.ClickAsync("#player-play");
        await page.ClickAsync("#player-first");
        await page.WaitForFunctionAsync("() => document.getElementById('player-info').dataset.step === '0'");
        await Shot(page, "run");

        // A study's run links to its study, whose figures are drawn.
        await page.GotoAsync($"{url}/runs/{fixture.StudyRun}");
        await page.WaitForSelectorAsync("#outcomes-deploy");
        await page.ClickAsync($"#run-facts a[href='/studies/{DashboardStore.StudyName}']");
        await page.WaitForSelectorAsync("#study-figures canvas");
        Assert.Equal($"{url}/studies/{DashboardStore.StudyName}", page.Url);
        Assert.True(await Drawn(page, "#figure-0"));
        // The curve over the study's axis: one chart per figure, its mean line through both axis values.
        await page.WaitForSelectorAsync("#study-axis canvas");
        Assert.True(await Drawn(page, "#axis-0"));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => Chart.getChart(document.getElementById('axis-0')).data.datasets[2].data.filter(p => p.y !== null).length"));
        Assert.Equal(4, await page.Locator("#study-jobs tbody tr").CountAsync());
        await Shot(page, "study");

        // A run that is training: a point the trainer stores appears on the open page's curve.
        var live = fixture.NewRunningRun("browser-live");
        fixture.Writer.AddMetrics(live.Id, [.. Enumerable.Range(1, 3).Select(u => new MetricPoint(u, u * 96, "episodic_return", 0.1 * u))]);
        await page.GotoAsync($"{url}/runs/{live.Id}");
        const string Points = "() => Chart.getChart(document.getElementById('curve-episodic_return'))?.data.datasets[0].data.length";
        await page.WaitForFunctionAsync($"() => ({Points})() === 3");
        Assert.Equal("running", await page.InnerTextAsync("#run-status"));
        fixture.Writer.AddMetrics(live.Id, [new MetricPoint(4, 384, "episodic_return", 0.9)]);
        await page.WaitForFunctionAsync($"() => ({Points})() === 4", null, new() { Timeout = 15_000 });
        Assert.StartsWith("update 4", await page.InnerTextAsync("#last-update"));
        Assert.True(await Drawn(page, "#curve-episodic_return"));

        Assert.Empty(errors);
    }
}
