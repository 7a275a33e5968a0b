namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Cli.Rendering;
using MesaLab.Store;
using Spectre.Console;

/// <summary><c>mesalab runs</c>: the runs in the store; <c>mesalab runs show RUN</c>: one run in detail.</summary>
public static class RunsVerb
{
    public static Command Create(CliContext cli)
    {
        var runs = new Command("runs", "list the runs in the run store");
        runs.Options.Add(CommonOptions.Workspace());
        runs.SetAction(p => List(cli.Output, CommonOptions.Workspace(p)));
        var show = new Command("show", "show one run: configuration, status, last metrics, checkpoints, evaluations");
        var run = CommonOptions.Run();
        show.Arguments.Add(run);
        show.Options.Add(CommonOptions.Workspace());
        show.SetAction(p => Show(cli.Output, p.GetValue(run)!, CommonOptions.Workspace(p)));
        runs.Subcommands.Add(show);
        return runs;
    }

    private static string Time(DateTimeOffset t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) =>
        seconds < 60 ? $"{seconds:F0}s" : seconds < 3600 ? $"{(int)(seconds / 60)}m{(int)(seconds % 60):00}s" : $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):00}m";

    private static object RunDoc(RunRecord r) => new
    {
        id = r.Id,
        name = r.Name,
        kind = r.Kind,
        world = r.World,
        seed = r.Seed,
        status = r.EffectiveStatus.ToText(),
        error = r.Error,
        held_by = r.Lease is { Live: true } l ? l.Holder.ToString() : null,
        code_version = r.CodeVersion,
        created = r.Created,
        updated = r.Updated,
        finished = r.Finished,
        wall_seconds = r.WallSeconds,
        host = r.Host,
    };

    private static int List(Output output, string? workspace)
    {
        if (!RunStores.HasStore(workspace))
        {
            string dir = Path.GetFullPath(workspace ?? RunStores.DefaultWorkspace);
            output.Result(new { store = (string?)null, runs = Array.Empty<object>() }, o => o.WriteLine($"no runs in {dir} (no run store there yet); `mesalab train` makes one."));
            return 0;
        }
        using var store = RunStores.OpenWorkspace(workspace);
        var runs = store.ListRuns();
        output.Result(new { store = store.Location, runs = runs.Select(RunDoc) }, o =>
        {
            if (runs.Count == 0)
            {
                o.WriteLine($"no runs in {store.Location}; `mesalab train` makes one.");
                return;
            }
            var table = new Table().Border(TableBorder.Simple);
            foreach (var h in new[] { "id", "name", "kind", "world", "status", "seed", "created", "wall" }) table.AddColumn(h);
            foreach (var r in runs)
                table.AddRow(r.Id, Markup.Escape(r.Name), r.Kind, Markup.Escape(r.World), StatusMarkup(r.EffectiveStatus), r.Seed.ToString(CultureInfo.InvariantCulture), Time(r.Created), Duration(r.WallSeconds));
            Tables.Console(o).Write(table);
        });
        return 0;
    }

    private static int Show(Output output, string key, string? workspace)
    {
        using var store = RunStores.OpenExistingWorkspace(workspace);
        var run = store.GetRun(key);
        var last = store.LastMetrics(run.Id);
        var checkpoints = store.Checkpoints(run.Id);
        var evaluations = store.Evaluations(run.Id);
        var results = store.Results(runId: run.Id);
        var doc = new
        {
            run = RunDoc(run),
            config = run.Config,
            last_metrics = last.Select(m => new { name = m.Name, update = m.Update, env_step = m.EnvStep, value = m.Value }),
            checkpoints = checkpoints.Select(c => new { update = c.Update, env_step = c.EnvStep, path = c.Path, sha256 = c.Sha256, size = c.Size, created = c.Created }),
            evaluations = evaluations.Select(e => new { id = e.Id, agent = e.Agent, world = e.World, split = e.Split, split_fingerprint = e.SplitFingerprint, seed = e.Seed, episodes = e.EpisodeCount, created = e.Created }),
            results = results.Select(r => new { id = r.Id, evaluation_id = r.EvaluationId, kind = r.Kind, name = r.Name, created = r.Created }),
        };
        output.Result(doc, o =>
        {
            var console = Tables.Console(o);
            console.MarkupLine($"[bold]{Markup.Escape(run.Name)}[/] ({run.Id}) — {run.Kind} on {Markup.Escape(run.World)}, seed {run.Seed}, {StatusMarkup(run.EffectiveStatus)}");
            console.MarkupLine($"created {Time(run.Created)}, updated {Time(run.Updated)}{(run.Finished is { } f ? $", finished {Time(f)}" : "")}; wall clock {Duration(run.WallSeconds)}; {Markup.Escape(run.CodeVersion)} on {Markup.Escape(run.Host)}");
            console.WriteLine();
            console.MarkupLine("[bold]configuration[/]");
            foreach (var line in run.Config.TrimEnd().Split('\n')) console.WriteLine("  " + line);
            if (last.Count > 0)
            {
                console.WriteLine();
                var t = new Table().Border(TableBorder.Simple).Title("last metrics");
                t.AddColumn("metric").AddColumn(new TableColumn("value").RightAligned()).AddColumn(new TableColumn("update").RightAligned()).AddColumn(new TableColumn("env step").RightAligned());
                foreach (var m in last) t.AddRow(Markup.Escape(m.Name), m.Value.ToString("G5", CultureInfo.InvariantCulture), m.Update.ToString(CultureInfo.InvariantCulture), m.EnvStep.ToString(CultureInfo.InvariantCulture));
                console.Write(t);
            }
            if (checkpoints.Count > 0)
            {
                var t = new Table().Border(TableBorder.Simple).Title("checkpoints");
                t.AddColumn(new TableColumn("update").RightAligned()).AddColumn(new TableColumn("env step").RightAligned()).AddColumn("path").AddColumn(new TableColumn("size").RightAligned()).AddColumn("created");
                foreach (var c in checkpoints) t.AddRow(c.Update.ToString(CultureInfo.InvariantCulture), c.EnvStep.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Path), $"{c.Size / 1024.0:F0} KiB", Time(c.Created));
                console.Write(t);
            }
            if (evaluations.Count > 0)
            {
                var t = new Table().Border(TableBorder.Simple).Title("evaluations");
                t.AddColumn(new TableColumn("id").RightAligned()).AddColumn("agent").AddColumn("split").AddColumn(new TableColumn("episodes").RightAligned()).AddColumn(new TableColumn("seed").RightAligned()).AddColumn("created");
                foreach (var e in evaluations) t.AddRow(e.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(e.Agent), Markup.Escape(e.Split), e.EpisodeCount.ToString(CultureInfo.InvariantCulture), e.Seed.ToString(CultureInfo.InvariantCulture), Time(e.Created));
                console.Write(t);
            }
            if (results.Count > 0)
            {
                var t = new Table().Border(TableBorder.Simple).Title("results");
                t.AddColumn(new TableColumn("id").RightAligned()).AddColumn("kind").AddColumn("name").AddColumn("created");
                foreach (var r in results) t.AddRow(r.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Kind), Markup.Escape(r.Name), Time(r.Created));
                console.Write(t);
            }
        });
        return 0;
    }

    private static string StatusMarkup(RunStatus s) => s switch
    {
        RunStatus.Completed => "[green]completed[/]",
        RunStatus.Running => "[blue]running[/]",
        RunStatus.Interrupted => "[yellow]interrupted[/]",
        _ => "[red]failed[/]",
    };
}
