namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Store;
using Spectre.Console;

/// <summary><c>mesalab runs</c>: the runs in the store; <c>mesalab runs show RUN</c>: one run in detail.</summary>
public static class RunsVerb
{
    /// <summary>Shared <c>--workspace</c> option: where the run store and checkpoints live.</summary>
    public static Option<string?> WorkspaceOption() => new("--workspace")
    {
        Description = $"workspace directory holding the run store ({SqliteRunStore.FileName}) and checkpoints (default ./{RunStores.DefaultWorkspace}; env {RunStores.StoreVariable} may name a PostgreSQL store)",
    };

    public static Command Create()
    {
        var workspace = WorkspaceOption();
        var runs = new Command("runs", "list the runs in the run store");
        runs.Options.Add(workspace);
        runs.SetAction(p => List(p.GetValue(workspace)));

        var show = new Command("show", "show one run: configuration, status, last metrics, checkpoints, evaluations");
        var run = new Argument<string>("RUN") { Description = "run id, name, or a unique prefix of either" };
        var showWorkspace = WorkspaceOption();
        show.Arguments.Add(run);
        show.Options.Add(showWorkspace);
        show.SetAction(p => Show(p.GetValue(run)!, p.GetValue(showWorkspace) ?? p.GetValue(workspace)));
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
        status = r.Status.ToText(),
        code_version = r.CodeVersion,
        created = r.Created,
        updated = r.Updated,
        finished = r.Finished,
        wall_seconds = r.WallSeconds,
        host = r.Host,
    };

    private static int List(string? workspace)
    {
        if (!RunStores.HasStore(workspace))
        {
            string dir = Path.GetFullPath(workspace ?? RunStores.DefaultWorkspace);
            Output.Current.Result(new { store = (string?)null, runs = Array.Empty<object>() }, o => o.WriteLine($"no runs in {dir} (no run store there yet); `mesalab train` makes one."));
            return 0;
        }
        using var store = RunStores.OpenWorkspace(workspace);
        var runs = store.ListRuns();
        Output.Current.Result(new { store = store.Location, runs = runs.Select(RunDoc) }, o =>
        {
            if (runs.Count == 0)
            {
                o.WriteLine($"no runs in {store.Location}; `mesalab train` makes one.");
                return;
            }
            var table = new Table().Border(TableBorder.Simple);
            foreach (var h in new[] { "id", "name", "kind", "world", "status", "seed", "created", "wall" }) table.AddColumn(h);
            foreach (var r in runs)
                table.AddRow(r.Id, Markup.Escape(r.Name), r.Kind, Markup.Escape(r.World), StatusMarkup(r.Status), r.Seed.ToString(CultureInfo.InvariantCulture), Time(r.Created), Duration(r.WallSeconds));
            Console(o).Write(table);
        });
        return 0;
    }

    private static int Show(string key, string? workspace)
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
        Output.Current.Result(doc, o =>
        {
            var console = Console(o);
            console.MarkupLine($"[bold]{Markup.Escape(run.Name)}[/] ({run.Id}) — {run.Kind} on {Markup.Escape(run.World)}, seed {run.Seed}, {StatusMarkup(run.Status)}");
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

    // Spectre writes to the verb's stdout writer (tests capture it); colors and width detection only on a real
    // terminal, otherwise plain text wide enough that piped tables are not wrapped.
    private static IAnsiConsole Console(TextWriter o)
    {
        bool terminal = ReferenceEquals(o, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(o),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal) console.Profile.Width = 200;
        return console;
    }
}
