namespace MesaLab.Web.Tests;

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MesaLab.Analysis;
using MesaLab.Experiments;
using MesaLab.Reports;
using MesaLab.Store;
using MesaLab.Worlds.Rendering;

/// <summary>The JSON API in-process over a real store: what it says matches the store and the analysis, bad ids are 404, nothing is written.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardApiTests(DashboardStore fixture) : IDisposable
{
    private readonly IRunStore store = fixture.OpenReadOnly();
    private DashboardFactory? factory;

    private HttpClient Client() => (factory ??= new DashboardFactory(store)).CreateClient();

    public void Dispose()
    {
        factory?.Dispose();
        store.Dispose();
    }

    private static async Task<JsonNode> Get(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task The_run_list_has_every_run_with_its_status_key_figures_and_filters()
    {
        var client = Client();
        var all = (await Get(client, "/api/runs"))["runs"]!.AsArray();
        Assert.Equal(fixture.Writer.ListRuns().Select(r => r.Id).Order(), all.Select(r => (string)r!["id"]!).Order());
        var studyRun = all.Single(r => (string)r!["id"]! == fixture.StudyRun)!;
        Assert.Equal("completed", (string)studyRun["status"]!);
        Assert.Equal(DashboardStore.StudyName, (string)studyRun["study"]!);
        Assert.Equal(480, (long)studyRun["env_steps"]!);
        Assert.Equal(1.0, (double)studyRun["progress"]!);
        // The deploy figures are the ones the study's worker stored for this run.
        var doc = JsonSerializer.Deserialize<StudyRunDocument>(fixture.Writer.Results(fixture.StudyRun, kind: ResultKinds.StudyRun).Single().Json, MesaLabJson.Compact)!;
        Assert.Equal(doc.Figure(StudyFigures.ObjectiveGeneralized)!.Value, (double)studyRun["deploy"]!["objective_generalized"]!);
        Assert.Equal(doc.Figure(StudyFigures.ObjectiveMisgeneralized)!.Value, (double)studyRun["deploy"]!["objective_misgeneralized"]!);

        Assert.Equal(4, (await Get(client, $"/api/runs?study={DashboardStore.StudyName}"))["runs"]!.AsArray().Count);
        Assert.Equal([fixture.ArrowRun], (await Get(client, "/api/runs?q=arrow-seek"))["runs"]!.AsArray().Select(r => (string)r!["id"]!));
        Assert.Equal([fixture.ArrowRun], (await Get(client, "/api/runs?kind=evaluate"))["runs"]!.AsArray().Select(r => (string)r!["id"]!));
        Assert.Empty((await Get(client, "/api/runs?status=failed"))["runs"]!.AsArray());
    }

    [Fact]
    public async Task A_run_in_detail_lists_its_evaluations_checkpoints_metrics_and_configuration()
    {
        var client = Client();
        var run = await Get(client, $"/api/runs/{fixture.StudyRun}");
        Assert.Equal(fixture.StudyRun, (string)run["id"]!);
        Assert.Equal("exit", (string)run["base_objective"]!);
        Assert.Equal(["train", "deploy"], run["evaluations"]!.AsArray().Select(e => (string)e!["split"]!).Order().Reverse());
        Assert.NotEmpty(run["checkpoints"]!.AsArray());
        Assert.Equal(fixture.Writer.GetRun(fixture.StudyRun).Config, (string)run["config"]!);

        var metrics = await Get(client, $"/api/runs/{fixture.StudyRun}/metrics");
        Assert.Equal(fixture.Writer.Metrics(fixture.StudyRun).Count, metrics["points"]!.AsArray().Count);
        Assert.Equal(5, (long)metrics["last_update"]!);
        var after = await Get(client, $"/api/runs/{fixture.StudyRun}/metrics?after=4");
        Assert.All(after["points"]!.AsArray(), p => Assert.Equal(5, (long)p!["update"]!));
    }

    [Fact]
    public async Task The_analysis_of_a_scripted_arrow_seeker_says_it_misgeneralized_towards_the_arrow()
    {
        var a = await Get(Client(), $"/api/runs/{fixture.ArrowRun}/analysis");
        Assert.True((bool)a["available"]!);
        var deploy = a["splits"]!.AsArray().Single(s => (string)s!["split"]! == "deploy")!;
        Assert.Equal("arrow", (string)deploy["behavioral"]!["verdict"]!);
        Assert.True((double)deploy["outcomes"]!["overall"]!["objective_misgeneralized"]!["value"]! > 0.9);
        Assert.Equal(30, deploy["episodes"]!.AsArray().Count);
        Assert.True(deploy["episodes"]!.AsArray().Count(e => (string?)e!["pursued"] == "arrow") >= 27);
        Assert.True(deploy["episodes"]!.AsArray().Count(e => (string)e!["goal"]! == "arrow") >= 27, "the mixture says the episodes pursued the arrow");
        var decomposition = a["decomposition"]!;
        Assert.True((double)decomposition["objective_robustness"]!["value"]! < 0.2);
        Assert.True((double)decomposition["capability_robustness"]!["value"]! > 0.8);

        // The same numbers as the analysis computed directly from the stored episodes.
        long evaluationId = (long)deploy["evaluation_id"]!;
        var direct = EvaluationAnalysis.Of(StoredEvaluations.Load(fixture.Writer, evaluationId));
        Assert.Equal(direct.Table.All.Misgeneralized.Value, (double)deploy["outcomes"]!["overall"]!["objective_misgeneralized"]!["value"]!, 12);
        Assert.Equal(direct.Table.All.Generalized.Value, (double)deploy["outcomes"]!["overall"]!["objective_generalized"]!["value"]!, 12);
    }

    [Fact]
    public async Task A_run_without_stored_evaluations_says_why_there_is_no_analysis()
    {
        var run = fixture.NewRunningRun("not-evaluated");
        var a = await Get(Client(), $"/api/runs/{run.Id}/analysis");
        Assert.False((bool)a["available"]!);
        Assert.Contains("no stored evaluation", (string)a["reason"]!);
        Assert.Empty(fixture.Writer.Evaluations(run.Id));
    }

    [Fact]
    public async Task An_episode_steps_through_adjacent_cells_and_each_frame_draws_the_agent_on_its_cell()
    {
        var client = Client();
        long evaluation = fixture.Writer.Evaluations(fixture.ArrowRun).Single(e => e.Split == "deploy").Id;
        var episode = await Get(client, $"/api/evaluations/{evaluation}/episodes/0");
        int frames = (int)episode["frames"]!, width = (int)episode["width"]!, height = (int)episode["height"]!, cs = (int)episode["cell_size"]!;
        var cells = episode["cells"]!.AsArray().Select(c => ((int)c![0]!, (int)c[1]!)).ToList();
        Assert.Equal(frames, cells.Count);
        Assert.Equal(frames - 1, episode["actions"]!.AsArray().Count);
        for (int t = 1; t < cells.Count; t++) Assert.True(Math.Abs(cells[t].Item1 - cells[t - 1].Item1) + Math.Abs(cells[t].Item2 - cells[t - 1].Item2) <= 1);
        Assert.True(cells.Distinct().Count() > 2, "a shortest-path agent on a deploy maze moves");

        foreach (int t in new[] { 0, frames / 2, frames - 1 })
        {
            var response = await client.GetAsync($"/api/evaluations/{evaluation}/episodes/0/frames/{t}.png");
            Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
            var image = PngEncoder.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal((width * cs, height * cs), (image.Width, image.Height));
            var (x, y) = cells[t];
            Assert.Equal(Palette.Agent, image[x * cs + cs / 2, y * cs + cs / 2]);
            // Elsewhere than its cell there is no agent.
            int agentPixels = 0;
            for (int py = 0; py < image.Height; py++) for (int px = 0; px < image.Width; px++) if (image[px, py] == Palette.Agent) agentPixels++;
            Assert.InRange(agentPixels, 1, cs * cs);
        }
    }

    [Theory]
    [InlineData("/api/runs/nosuchrun")]
    [InlineData("/api/runs/0000000g/analysis")]
    [InlineData("/api/runs/00000000")]
    [InlineData("/api/runs/00000000/stream")]
    [InlineData("/api/evaluations/987654")]
    [InlineData("/api/evaluations/abc")]
    [InlineData("/api/evaluations/1/episodes/9999")]
    [InlineData("/api/evaluations/1/episodes/0/frames/9999.png")]
    [InlineData("/api/evaluations/1/episodes/0/frames/-1.png")]
    [InlineData("/api/results/987654")]
    [InlineData("/api/studies/no-such-study")]
    [InlineData("/api/nothing-here")]
    [InlineData("/runs/00000000")]
    [InlineData("/studies/no-such-study")]
    [InlineData("/assets/nope.js")]
    [InlineData("/assets/../../../../etc/passwd")]
    [InlineData("/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/assets/vendor/../../MesaLab.Web.dll")]
    [InlineData("/api/runs/..%2F..%2Fmesalab.db")]
    [InlineData("/mesalab.db")]
    [InlineData("/etc/passwd")]
    public async Task Unknown_ids_and_paths_outside_the_api_are_404_with_a_json_error(string path)
    {
        var response = await Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error"]));
        Assert.Equal(404, (int)body["status"]!);
    }

    [Fact]
    public async Task Serving_every_page_and_endpoint_writes_nothing_to_the_store()
    {
        string Snapshot() => JsonSerializer.Serialize(new
        {
            runs = fixture.Writer.ListRuns().Select(r => new { r.Id, r.Name, r.Status, r.Updated, r.Config, r.WallSeconds }),
            results = fixture.Writer.Results().Select(r => new { r.Id, r.Kind, r.Json }),
            evaluations = fixture.Writer.Evaluations().Select(e => new { e.Id, e.EpisodeCount }),
            metrics = fixture.Writer.ListRuns().Sum(r => fixture.Writer.Metrics(r.Id).Count),
            studies = fixture.Writer.ListStudies(),
            jobs = fixture.Writer.StudyJobs(DashboardStore.StudyName).Select(j => new { j.Job, j.State, j.RunId, j.Attempts }),
        });
        string before = Snapshot();
        var client = Client();
        long evaluation = fixture.Writer.Evaluations(fixture.StudyRun).First().Id;
        foreach (var path in new[]
        {
            "/", $"/runs/{fixture.StudyRun}", $"/studies/{DashboardStore.StudyName}", $"/compare?runs={fixture.StudyRun},{fixture.ArrowRun}",
            "/api/", "/api/runs", $"/api/runs/{fixture.StudyRun}", $"/api/runs/{fixture.StudyRun}/analysis", $"/api/runs/{fixture.ArrowRun}/analysis",
            $"/api/runs/{fixture.StudyRun}/transparency", $"/api/compare?runs={fixture.StudyRun},{fixture.ArrowRun}", "/api/studies",
            $"/api/studies/{DashboardStore.StudyName}", $"/api/evaluations/{evaluation}", $"/api/evaluations/{evaluation}/episodes/1",
            $"/api/evaluations/{evaluation}/episodes/1/frames/2.png",
        })
            Assert.True((await client.GetAsync(path)).IsSuccessStatusCode, path);
        Assert.Equal(before, Snapshot());
        Assert.True(((SqlRunStore)store).ReadOnly);
    }

    [Fact]
    public async Task The_study_endpoint_gives_every_seed_s_figure_as_its_run_stored_it()
    {
        var client = Client();
        var list = (await Get(client, "/api/studies"))["studies"]!.AsArray();
        var listed = list.Single(s => (string)s!["name"]! == DashboardStore.StudyName)!;
        Assert.Equal(4, (int)listed["by_state"]!["completed"]!);
        var detail = await Get(client, $"/api/studies/{DashboardStore.StudyName}");
        var figure = detail["study"]!["figures"]!.AsArray().Single(f => (string)f!["key"]! == StudyFigures.ObjectiveGeneralized)!;
        var seeds = figure["procedures"]!.AsArray().SelectMany(p => p!["seeds"]!.AsArray()).ToList();
        Assert.Equal(4, seeds.Count);
        foreach (var s in seeds)
        {
            var doc = JsonSerializer.Deserialize<StudyRunDocument>(fixture.Writer.Results((string)s!["run_id"]!, kind: ResultKinds.StudyRun).Single().Json, MesaLabJson.Compact)!;
            Assert.Equal(doc.Figure(StudyFigures.ObjectiveGeneralized)!.Value, (double)s["value"]!);
        }
        Assert.Equal(4, detail["status"]!["job_states"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_study_curve_gives_each_figure_s_seed_mean_and_interval_in_the_axis_s_order()
    {
        var detail = await Get(Client(), $"/api/studies/{DashboardStore.StudyName}");
        var curve = detail["axis_curve"]!;
        Assert.Equal("training steps", (string)curve["axis"]!);
        var figures = detail["study"]!["figures"]!.AsArray();
        var curves = curve["figures"]!.AsArray();
        Assert.Equal(figures.Select(f => (string)f!["key"]!), curves.Select(f => (string)f!["key"]!));
        foreach (var c in curves)
        {
            var points = c!["points"]!.AsArray();
            // Listed double before plain in the study file; the curve runs along the axis.
            Assert.Equal([480.0, 960.0], points.Select(p => (double)p!["value"]!));
            Assert.Equal(["plain", "double"], points.Select(p => (string)p!["procedure"]!));
            var figure = figures.Single(f => (string)f!["key"]! == (string)c["key"]!)!;
            foreach (var p in points)
            {
                var procedure = figure["procedures"]!.AsArray().Single(x => (string)x!["procedure"]! == (string)p!["procedure"]!)!;
                Assert.Equal(procedure["mean"]!.ToJsonString(), p!["mean"]!.ToJsonString());
                Assert.Equal(2, (int)p["seeds"]!);
            }
        }

        // The mean is the mean of the seeds' values, inside its interval.
        var generalized = curves.Single(f => (string)f!["key"]! == StudyFigures.ObjectiveGeneralized)!;
        var seedValues = figures.Single(f => (string)f!["key"]! == StudyFigures.ObjectiveGeneralized)!["procedures"]!.AsArray()
            .Single(p => (string)p!["procedure"]! == "plain")!["seeds"]!.AsArray().Select(x => (double)x!["value"]!).ToList();
        var plain = generalized["points"]![0]!["mean"]!;
        Assert.Equal(seedValues.Average(), (double)plain["value"]!, 9);
        Assert.InRange((double)plain["value"]!, (double)plain["low"]!, (double)plain["high"]!);
    }

    [Fact]
    public void A_study_without_an_axis_has_no_curve()
    {
        var data = StudyReportJob.Data(fixture.Writer, DashboardStore.StudyName) with { Axis = null };
        Assert.Null(StudyViews.AxisCurve(data));
        Assert.NotNull(StudyViews.AxisCurve(data with { Axis = "training steps" }));
    }

    [Fact]
    public async Task Runs_compare_side_by_side_with_their_decompositions()
    {
        var c = await Get(Client(), $"/api/compare?runs={fixture.StudyRun},{fixture.ArrowRun}");
        var runs = c["runs"]!.AsArray();
        Assert.Equal([fixture.StudyRun, fixture.ArrowRun], runs.Select(r => (string)r!["run"]!["id"]!));
        Assert.All(runs, r => Assert.True((bool)r!["analysis_available"]!));
        Assert.Equal("arrow", (string)runs[1]!["decomposition"]!["deploy_behavioral_objective"]!);
        var bad = await Client().GetAsync("/api/compare?runs=");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Transparency_results_of_a_run_are_listed_with_their_documents()
    {
        var run = fixture.NewRunningRun("probed");
        fixture.Writer.AddResult(run.Id, null, ResultKinds.Probes, "layer-2", """{"layer":"body.2","accuracy":{"value":0.91,"low":0.85,"high":0.95}}""");
        fixture.Writer.AddResult(run.Id, null, ResultKinds.HeldOutCheck, "train", "{}");
        var t = await Get(Client(), $"/api/runs/{run.Id}/transparency");
        var only = Assert.Single(t["results"]!.AsArray())!;
        Assert.Equal(ResultKinds.Probes, (string)only["kind"]!);
        Assert.Equal(0.91, (double)only["document"]!["accuracy"]!["value"]!);
        var byId = await Get(Client(), $"/api/results/{(long)only["id"]!}");
        Assert.Equal("layer-2", (string)byId["name"]!);
    }

    [Fact]
    public async Task The_assets_are_served_from_the_tool_itself_and_the_page_loads_nothing_from_elsewhere()
    {
        var client = Client();
        var chart = await client.GetAsync("/assets/vendor/chart.umd.min.js");
        Assert.Equal("text/javascript", chart.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("/*!\n * Chart.js v4.", await chart.Content.ReadAsStringAsync());
        Assert.Contains("MIT License", await client.GetStringAsync("/assets/vendor/chart.js.LICENSE.md"));
        string page = await client.GetStringAsync("/");
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", page);
        Assert.DoesNotContain("http", await client.GetStringAsync("/assets/dashboard.js"), StringComparison.Ordinal);
        var api = await Get(client, "/api/");
        Assert.Equal(Dashboard.ApiIndex.Count, api["endpoints"]!.AsArray().Count);
    }
}
