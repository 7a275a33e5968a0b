namespace MesaLab.Web;

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MesaLab.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The dashboard: the JSON API under <c>/api/</c> (docs/dashboard.md), the pages that use it, and the static assets,
/// over a store opened read-only. Every id in a request is looked up in the store (runs, evaluations, episodes, results,
/// studies) or in the fixed table of <see cref="Assets"/>; nothing a request names is opened as a file.
/// </summary>
public static class Dashboard
{
    /// <summary>The services the endpoints use, over <paramref name="store"/> (which the caller owns and disposes).</summary>
    public static void AddServices(IServiceCollection services, IRunStore store, DashboardOptions options)
    {
        services.AddRouting();
        services.AddSingleton(store);
        services.AddSingleton(options);
        services.AddSingleton<RunViews>();
        services.AddSingleton<EpisodeViews>();
        services.AddSingleton<StudyViews>();
    }

    /// <summary>The request pipeline: security headers, errors as JSON, the API, the pages and the assets.</summary>
    public static void Configure(IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && e is NotFound or BadRequest or UserError or FormatException)
            {
                int status = e switch { NotFound => 404, BadRequest or FormatException => 400, _ => 500 };
                await Problem(context, status, e.Message);
            }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"dashboard: {context.Request.Path}: {e}");
                await Problem(context, 500, $"internal error ({e.GetType().Name}: {e.Message})");
            }
        });
        app.UseRouting();
        app.UseEndpoints(Map);
    }

    private static Task Problem(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = message, status }, MesaLabJson.Compact));
    }

    private static IResult Json(object value) => Results.Json(value, MesaLabJson.Compact);

    /// <summary>Every route. The API is documented in docs/dashboard.md; <c>GET /api/</c> lists it.</summary>
    public static void Map(IEndpointRouteBuilder e)
    {
        // ----- API -----
        e.MapGet("/api", () => Json(new { api = "MesaLab dashboard", read_only = true, endpoints = ApiIndex }));
        e.MapGet("/api/runs", (RunViews runs, string? status, string? world, string? kind, string? study, string? q) =>
            Json(new { runs = runs.List(status, world, kind, study, q) }));
        e.MapGet("/api/runs/{id}", (RunViews runs, string id) => Json(runs.Detail(id)));
        e.MapGet("/api/runs/{id}/metrics", (RunViews runs, string id, long? after) => Json(runs.Metrics(id, after ?? 0)));
        e.MapGet("/api/runs/{id}/stream", (RunViews runs, DashboardOptions options, HttpContext context, string id, long? after) =>
        {
            // Look the run up before the stream starts, so an unknown id is a plain 404.
            var first = runs.Metrics(id, Resume(context, after));
            return TypedResults.ServerSentEvents(Stream(runs, options, first, context.RequestAborted));
        });
        e.MapGet("/api/runs/{id}/analysis", (RunViews runs, string id) => Json(runs.Analysis(id)));
        e.MapGet("/api/runs/{id}/transparency", (RunViews runs, string id) => Json(new { results = runs.Transparency(id) }));
        e.MapGet("/api/results/{id:long}", (RunViews runs, long id) => Json(runs.Result(id)));
        e.MapGet("/api/compare", (RunViews views, [FromQuery(Name = "runs")] string? ids) => Json(views.Compare(Split(ids))));
        e.MapGet("/api/evaluations/{id:long}", (EpisodeViews episodes, long id) => Json(episodes.EvaluationDetail(id)));
        e.MapGet("/api/evaluations/{id:long}/episodes/{index:int}", (EpisodeViews episodes, long id, int index) => Json(episodes.Episode(id, index)));
        e.MapGet("/api/evaluations/{id:long}/episodes/{index:int}/frames/{step:int}.png", (EpisodeViews episodes, long id, int index, int step) =>
            Results.Bytes(episodes.Frame(id, index, step), "image/png"));
        e.MapGet("/api/studies", (StudyViews studies) => Json(new { studies = studies.List() }));
        e.MapGet("/api/studies/{name}", (StudyViews studies, string name) => Json(studies.Detail(name)));
        e.Map("/api/{**rest}", (string? rest) => Results.Json(new { error = $"no API endpoint /api/{rest}; GET /api/ lists them.", status = 404 }, MesaLabJson.Compact, statusCode: 404));

        // ----- pages and assets -----
        e.MapGet("/", () => Page());
        e.MapGet("/runs/{id}", (RunViews runs, string id) => { runs.Run(id); return Page(); });
        e.MapGet("/studies/{name}", (StudyViews studies, string name) => { studies.Detail(name); return Page(); });
        e.MapGet("/compare", () => Page());
        e.MapGet("/assets/{**name}", (string name) => Assets.Find(name) is { } a
            ? Results.Bytes(a.Bytes, a.ContentType)
            : throw new NotFound($"no asset named '{name}'."));
        // Any other path (with or without a file extension, which MapFallback would leave unmatched).
        e.Map("/{**path}", (HttpContext c) => Results.Json(new { error = $"nothing at {c.Request.Path}.", status = 404 }, MesaLabJson.Compact, statusCode: 404));
    }

    private static IResult Page() => Results.Bytes(Assets.Find("index.html")!.Value.Bytes, "text/html; charset=utf-8");

    private static List<string> Split(string? ids) =>
        [.. (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];

    /// <summary>Where a stream starts: the browser's Last-Event-ID after a reconnection, else <c>?after=</c>.</summary>
    private static long Resume(HttpContext context, long? after) =>
        long.TryParse(context.Request.Headers["Last-Event-ID"], out long last) ? last : after ?? 0;

    /// <summary>
    /// The live training curve: metrics logged after the client's last update, then, every poll interval, whatever the
    /// store gained since, and the run's status whenever it changes. Event ids are update numbers, so a reconnecting
    /// browser resumes where it stopped. Ends when the client goes away.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<string>> Stream(RunViews runs, DashboardOptions options, MetricsView first,
        [EnumeratorCancellation] CancellationToken cancel)
    {
        string status = first.Status;
        long last = first.LastUpdate;
        yield return Item("status", new { status }, last);
        if (first.Points.Count > 0) yield return Item("metrics", first, last);
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Poll, cancel);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            var next = runs.Metrics(first.RunId, last);
            if (next.Points.Count > 0)
            {
                last = next.LastUpdate;
                yield return Item("metrics", next, last);
            }
            if (next.Status != status)
            {
                status = next.Status;
                yield return Item("status", new { status }, last);
            }
        }
    }

    private static SseItem<string> Item(string type, object data, long update) =>
        new(JsonSerializer.Serialize(data, MesaLabJson.Compact), type) { EventId = update.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>The API's endpoints, as <c>GET /api/</c> lists them.</summary>
    public static readonly IReadOnlyList<string> ApiIndex =
    [
        "GET /api/runs?status=&world=&kind=&study=&q=",
        "GET /api/runs/{id}",
        "GET /api/runs/{id}/metrics?after={update}",
        "GET /api/runs/{id}/stream?after={update}   (text/event-stream: events status, metrics)",
        "GET /api/runs/{id}/analysis",
        "GET /api/runs/{id}/transparency",
        "GET /api/results/{id}",
        "GET /api/compare?runs={id},{id},…",
        "GET /api/evaluations/{id}",
        "GET /api/evaluations/{id}/episodes/{index}",
        "GET /api/evaluations/{id}/episodes/{index}/frames/{step}.png",
        "GET /api/studies",
        "GET /api/studies/{name}",
    ];
}
