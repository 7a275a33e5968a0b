namespace MesaLab.Cli;

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Cli.Rendering;
using MesaLab.Experiments;
using MesaLab.Store;
using Spectre.Console;

/// <summary>
/// <c>mesalab study STUDY.yaml</c>: run a study's procedures × seeds on this machine or a Slurm cluster;
/// <c>study status</c>, <c>study report</c>, and <c>study work</c> (what the executors run).
/// </summary>
public static class StudyVerb
{
    private static readonly ConfigAlias[] Aliases =
        [ConfigAliases.Threads, ConfigAliases.Steps, ConfigAliases.Episodes, ConfigAliases.Retries, ConfigAliases.Partition, ConfigAliases.Time, ConfigAliases.CpusPerTask, ConfigAliases.Memory];

    public static Command Create(CliContext cli)
    {
        var file = new Argument<string>("STUDY") { Description = "a study file: an experiment with a study: section (procedures and seeds), e.g. configs/homogeneity.yaml" };
        var executor = new Option<string>("--executor") { Description = "where jobs run: local (worker processes on this machine) or slurm (an sbatch array job)", DefaultValueFactory = _ => "local" };
        executor.AcceptOnlyFromAmong("local", "slurm");
        var jobs = new Option<int>("--jobs") { Description = "local worker processes (default: the number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var dryRun = new Option<bool>("--dry-run") { Description = "check the study and print its jobs (local) or its sbatch script (slurm); store and submit nothing" };
        var singleNode = new Option<bool>("--single-node") { Description = "with --executor slurm: every task runs on this machine, so the SQLite store in the workspace may be used" };
        var wait = new Option<bool>("--wait") { Description = "with --executor slurm: wait until every job has ended, following them in the store" };
        var cmd = new Command("study", "run a study: every procedure × seed trained, evaluated on train and deploy and analysed, as jobs on this machine or a Slurm cluster, in one run store");
        cmd.Arguments.Add(file);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { executor, jobs, dryRun, singleNode, wait, CommonOptions.Workspace, CommonOptions.Set }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var experiment = ExperimentConfig.Load(p.GetValue(file)!, ConfigAliases.Overrides(p, Aliases));
            int workers = p.GetValue(jobs);
            if (workers < 1) throw new UserError($"--jobs {workers}: give at least one worker.");
            string? workspace = p.GetValue(CommonOptions.Workspace);
            var narrator = cli.Output.Narrator();
            var settings = experiment.Section<StudySettings>();
            if (p.GetValue(executor) == "slurm") return Slurm(cli, experiment, settings, workspace, p.GetValue(dryRun), p.GetValue(singleNode), p.GetValue(wait), narrator);
            if (p.GetValue(dryRun))
            {
                var plan = StudyPlan.Of(experiment);
                cli.Output.Result(new { study = plan.Name, spec_hash = plan.SpecHash, jobs = plan.Jobs.Select(j => new { job = j.Job, procedure = j.Procedure, seed = j.Seed }) },
                    o => o.WriteLine($"study {plan.Name}: {plan.Jobs.Count} jobs ({plan.Procedures.Count} procedures × {plan.Settings.Seeds.Count} seeds): {string.Join(", ", plan.Jobs.Select(j => j.Job))}; nothing stored."));
                return 0;
            }
            using var store = RunStores.OpenWorkspace(workspace);
            var start = StudyJob.Prepare(store, experiment);
            Began(start, narrator);
            var result = LocalExecutor.Run(store, start, workers, settings.Retries, MesalabCommands.Current(), workspace, narrator, cli.Cancel);
            narrator.EndLine();
            return Finish(cli.Output, result, settings.Retries);
        });
        cmd.Subcommands.Add(Status(cli));
        cmd.Subcommands.Add(Report(cli));
        cmd.Subcommands.Add(Work(cli));
        return cmd;
    }

    private static void Began(StudyStart start, INarrator narrator)
    {
        narrator.Log(start.Created ? $"stored study {start.Plan.Name} with {start.Plan.Jobs.Count} jobs"
            : $"continuing study {start.Plan.Name} (same spec){(start.Retried > 0 ? $"; {start.Retried} failed job(s) will be tried again" : "")}");
    }

    private static int Slurm(CliContext cli, ExperimentConfig experiment, StudySettings settings, string? workspace, bool dryRun, bool singleNode, bool wait,
        Rendering.StderrNarrator narrator)
    {
        string? env = Environment.GetEnvironmentVariable(RunStores.StoreVariable);
        bool postgres = env is { Length: > 0 } && RunStores.IsPostgres(env);
        string dir = Path.GetFullPath(workspace ?? RunStores.DefaultWorkspace);
        string? sbatch = SlurmExecutor.Check(postgres, postgres ? $"{RunStores.StoreVariable}" : $"sqlite:{(env is { Length: > 0 } ? env.EndsWith(".db", StringComparison.OrdinalIgnoreCase) ? Path.GetFullPath(env) : Path.Combine(Path.GetFullPath(env), SqliteRunStore.FileName) : Path.Combine(dir, SqliteRunStore.FileName))}", singleNode, submit: !dryRun);
        var command = MesalabCommands.Current();
        int retries = settings.Retries;
        if (dryRun)
        {
            var plan = StudyPlan.Of(experiment);
            int cpus = settings.Slurm.CpusPerTask > 0 ? settings.Slurm.CpusPerTask : plan.Jobs.Max(j => j.Config.Threads);
            string script = SlurmExecutor.Script(plan.Name, [.. Enumerable.Range(0, plan.Jobs.Count)], settings.Slurm, cpus, retries, command, dir,
                Path.Combine(dir, "studies", plan.Name));
            cli.Output.Result(new { study = plan.Name, jobs = plan.Jobs.Count, script }, o => o.Write(script));
            return 0;
        }
        using var store = RunStores.OpenWorkspace(workspace);
        var start = StudyJob.Prepare(store, experiment);
        Began(start, narrator);
        var clock = Stopwatch.StartNew();
        var status = StudyStatus.Of(store, start.Plan.Name);
        var positions = status.JobStates.Where(j => j.State != "completed").Select(j => j.Position).ToList();
        SlurmSubmission? submission = null;
        if (positions.Count > 0)
        {
            int cpus = settings.Slurm.CpusPerTask > 0 ? settings.Slurm.CpusPerTask : start.Plan.Jobs.Max(j => j.Config.Threads);
            string logs = Path.Combine(store.Workspace, "studies", start.Plan.Name);
            string script = SlurmExecutor.Script(start.Plan.Name, positions, settings.Slurm, cpus, retries, command, store.Workspace, logs);
            submission = SlurmExecutor.Submit(sbatch!, start.Plan.Name, script, positions, logs);
            narrator.Log($"submitted Slurm array job {submission.JobId} ({positions.Count} tasks); script {submission.ScriptPath}");
            if (wait)
            {
                var seen = new Dictionary<string, string>();
                bool queued = true;
                while (!cli.Cancel.IsCancellationRequested)
                {
                    status = StudyStatus.Of(store, start.Plan.Name);
                    LocalExecutor.Report(status, seen, narrator);
                    if (status.Settled(retries) || (!queued && !status.JobStates.Any(j => j.State == "running"))) break;
                    queued = SlurmExecutor.Queued(submission.JobId!);
                    cli.Cancel.WaitHandle.WaitOne(LocalExecutor.PollInterval);
                }
                narrator.EndLine();
                if (cli.Cancel.IsCancellationRequested)
                    narrator.Log($"stopped following the study; Slurm array job {submission.JobId} goes on (`scancel {submission.JobId}` stops it; its jobs then read as interrupted and resume when the study is run again).");
            }
        }
        else narrator.Log("every job is completed; nothing to submit.");
        var result = new StudyRunResult(start.Plan.Name, "slurm", start.Created, start.Retried, StudyStatus.Of(store, start.Plan.Name), [], submission,
            clock.Elapsed.TotalSeconds, cli.Cancel.IsCancellationRequested);
        if (!wait && submission is not null)
        {
            cli.Output.Result(result, o => o.WriteLine($"study {result.Study}: submitted Slurm array job {submission.JobId} with {submission.Positions.Count} tasks; follow it with `mesalab study status {result.Study}`."));
            return 0;
        }
        return Finish(cli.Output, result, retries);
    }

    /// <summary>Prints a study run's result; exit code 0 when every job completed, 1 when some failed, 130 when interrupted.</summary>
    private static int Finish(Output output, StudyRunResult result, int retries)
    {
        output.Result(result, o =>
        {
            WriteJobs(o, result.Status);
            var done = result.Status.JobStates.Where(j => j.OverheadSeconds is not null).ToList();
            if (done.Count > 0)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"per job (median of {done.Count}): {Median(done.Select(j => j.Seconds)):0.0} s, of which training {Median(done.Select(j => j.TrainSeconds)):0.0} s, evaluation and analysis {Median(done.Select(j => j.EvaluateSeconds + j.AnalyseSeconds)):0.0} s, overhead {Median(done.Select(j => j.OverheadSeconds!.Value)):0.00} s"));
            foreach (var w in result.Workers)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worker {w.Index} (process {w.Pid}): {w.Jobs.Count} job(s), {w.BusySeconds:0.0} s of {w.Seconds:0.0} s busy, exit code {w.ExitCode}; log {w.Log}"));
            string end = result.Interrupted ? "; interrupted: run the same command again to continue." : ".";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"study {result.Study}: {result.Status.ByState["completed"]} of {result.Status.Jobs} jobs completed in {result.Seconds:0.0} s{end}"));
        });
        if (result.Interrupted) return Cli.InterruptedExit;
        return result.Status.Complete ? 0 : 1;
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static void WriteJobs(TextWriter o, StudyStatusResult status)
    {
        var table = new Table { Border = TableBorder.Simple };
        foreach (var h in new[] { "job", "state", "progress", "run", "attempts", "seconds", "held by / error" }) table.AddColumn(h);
        foreach (var j in status.JobStates)
            table.AddRow(Markup.Escape(j.Job), StateMarkup(j.State), j.Progress is { } pr ? Markup.Escape($"{pr:P0} {(j.Stage == "done" ? "" : j.Stage)}".Trim()) : "",
                j.RunId ?? "", j.Attempts.ToString(CultureInfo.InvariantCulture), j.Seconds > 0 ? j.Seconds.ToString("0.0", CultureInfo.InvariantCulture) : "",
                Markup.Escape(j.HeldBy ?? j.Error ?? ""));
        Tables.Console(o).Write(table);
        o.WriteLine(string.Join(", ", status.ByState.Where(kv => kv.Value > 0).Select(kv => $"{kv.Value} {kv.Key}")));
    }

    private static string StateMarkup(string state) => state switch
    {
        "completed" => "[green]completed[/]",
        "running" => "[blue]running[/]",
        "interrupted" => "[yellow]interrupted[/]",
        "failed" => "[red]failed[/]",
        _ => state,
    };

    private static Command Status(CliContext cli)
    {
        var name = new Argument<string>("STUDY") { Description = "a stored study's name" };
        var cmd = new Command("status", "show a study's jobs by state, with training progress, runs, errors and timings");
        cmd.Arguments.Add(name);
        cmd.Options.Add(CommonOptions.Workspace);
        cmd.SetAction(p =>
        {
            using var store = RunStores.OpenExistingWorkspace(p.GetValue(CommonOptions.Workspace));
            var status = StudyStatus.Of(store, p.GetValue(name)!);
            cli.Output.Result(status, o => WriteJobs(o, status));
            return 0;
        });
        return cmd;
    }

    private static Command Report(CliContext cli)
    {
        var name = new Argument<string>("STUDY") { Description = "a stored study's name" };
        var outDir = new Option<string>("--out") { Description = "directory for study.html (created if missing)", Required = true };
        var cmd = new Command("report", "write a study's report: each procedure's figures over seeds with seed-level intervals, strip plots, the variance decomposition");
        cmd.Arguments.Add(name);
        foreach (var o in new Option[] { outDir, CommonOptions.Workspace }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            using var store = RunStores.OpenExistingWorkspace(p.GetValue(CommonOptions.Workspace));
            var result = StudyReportJob.Run(store, p.GetValue(name)!, p.GetValue(outDir)!, cli.Output.Narrator());
            cli.Output.Result(result, o =>
            {
                var table = new Table { Border = TableBorder.Simple, Title = new TableTitle(Markup.Escape($"study {result.Study}: mean over seeds [95 % interval]")) };
                table.AddColumn("figure");
                foreach (var pr in result.Data.Procedures) table.AddColumn(Markup.Escape(pr.Name));
                table.AddColumn("ICC");
                foreach (var f in result.Data.Figures)
                    table.AddRow([Markup.Escape(f.Label), .. result.Data.Procedures.Select(pr => Markup.Escape(f.Procedures.FirstOrDefault(x => x.Procedure == pr.Name)?.Mean.Format() ?? "")),
                        Markup.Escape(f.Variance?.Icc.Format() ?? "")]);
                Tables.Console(o).Write(table);
                o.WriteLine($"study report: {result.ReportPath}");
            });
            return 0;
        });
        return cmd;
    }

    private static Command Work(CliContext cli)
    {
        var name = new Argument<string>("STUDY") { Description = "a stored study's name" };
        var job = new Option<string?>("--job") { Description = "run only this job (e.g. plain/seed-3)" };
        var index = new Option<int?>("--job-index") { Description = "run only the job at this position (a Slurm array task's index)" };
        var retries = new Option<int>("--retries") { Description = "do not take a job that failed more than this many times", DefaultValueFactory = _ => new StudySettings().Retries };
        var cmd = new Command("work", "take a stored study's jobs one at a time and run them (what --executor local and slurm start; safe to run several at once)");
        cmd.Arguments.Add(name);
        foreach (var o in new Option[] { job, index, retries, CommonOptions.Workspace }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            if (p.GetValue(job) is not null && p.GetValue(index) is not null) throw new UserError("give --job or --job-index, not both.");
            if (p.GetValue(retries) < 0) throw new UserError($"--retries {p.GetValue(retries)}: give 0 or more.");
            var narrator = cli.Output.Narrator();
            using var store = RunStores.OpenExistingWorkspace(p.GetValue(CommonOptions.Workspace));
            var result = StudyWorker.Run(store, p.GetValue(name)!, new StudyWorkerOptions(p.GetValue(retries), p.GetValue(job), p.GetValue(index)), narrator, cli.Cancel);
            narrator.EndLine();
            cli.Output.Result(result, o =>
            {
                foreach (var j in result.Jobs)
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"job {j.Job}: {j.State.ToText()} in {j.Seconds:0.0} s (run {j.RunId}){(j.Error is null ? "" : $": {j.Error}")}"));
                o.WriteLine(result.Note ?? $"worker {result.Pid}: {result.Jobs.Count} job(s) in {result.Seconds:0.0} s");
            });
            if (cli.Cancel.IsCancellationRequested) return Cli.InterruptedExit;
            return result.Jobs.Any(j => j.State == StudyJobState.Failed) ? 1 : 0;
        });
        return cmd;
    }
}
