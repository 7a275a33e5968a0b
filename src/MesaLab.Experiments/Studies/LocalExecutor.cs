namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Text.Json;
using MesaLab.Store;

/// <summary>One worker process of a local study run.</summary>
/// <param name="Seconds">How long the process lived.</param>
/// <param name="Jobs">The jobs it took, in order (empty when it printed no result: it was killed).</param>
/// <param name="BusySeconds">Of that, the seconds it held jobs; the rest is process start-up, store opening and looking for work.</param>
public sealed record StudyWorkerProcess(int Index, int Pid, int ExitCode, double Seconds, IReadOnlyList<string> Jobs, double BusySeconds, string Log);

/// <summary>What running a study did: where its jobs stand afterwards, and the workers or the Slurm submission that ran them.</summary>
/// <param name="Created">Whether this run stored the study (false: an existing study with the same spec was continued).</param>
/// <param name="Retried">Failed jobs given new retries by this run.</param>
/// <param name="Submission">The Slurm array job, with <c>--executor slurm</c>.</param>
public sealed record StudyRunResult(string Study, string Executor, bool Created, int Retried, StudyStatusResult Status,
    IReadOnlyList<StudyWorkerProcess> Workers, SlurmSubmission? Submission, double Seconds, bool Interrupted);

/// <summary>
/// Runs a study on this machine: starts N worker processes, each <c>mesalab study work</c> (so a job runs exactly as
/// it would on a cluster), follows the jobs in the store until the workers end, and narrates progress. Ctrl-C asks
/// every worker to stop (SIGTERM: each saves its run's checkpoint and gives its job back interrupted), so running the
/// study again continues where it stopped. Each worker's log is kept in the workspace, under studies/NAME/.
/// </summary>
public static class LocalExecutor
{
    /// <summary>How often the store is read for progress.</summary>
    public static TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <param name="workspace">The <c>--workspace</c> the workers are given (null: theirs is the default, or MESALAB_STORE's).</param>
    public static StudyRunResult Run(IRunStore store, StudyStart start, int workers, int retries, MesalabCommand command, string? workspace,
        INarrator narrator, CancellationToken cancel = default)
    {
        var plan = start.Plan;
        var clock = Stopwatch.StartNew();
        var logs = Path.Combine(store.Workspace, "studies", plan.Name);
        Directory.CreateDirectory(logs);
        var before = StudyStatus.Of(store, plan.Name);
        int toDo = before.JobStates.Count(j => j.State != "completed");
        int count = Math.Min(workers, toDo);
        int threads = plan.Jobs.Count == 0 ? 1 : plan.Jobs.Max(j => j.Config.Threads);
        if (count * threads > Environment.ProcessorCount)
            narrator.Log($"note: {count} workers × {threads} thread(s) per run is more than this machine's {Environment.ProcessorCount} cores; set threads: 1 in the study or use fewer --jobs.");
        narrator.Stage("study", $"{plan.Name}: {plan.Jobs.Count} jobs ({plan.Procedures.Count} procedures × {plan.Settings.Seeds.Count} seeds), {toDo} to do, {count} local worker(s); store {store.Location}");
        if (count == 0) narrator.Log("every job is completed; nothing to run.");

        var processes = new List<(Process Process, Stopwatch Clock, Task<string> Stdout, Task Stderr, string Log)>();
        for (int i = 0; i < count; i++)
        {
            string log = Path.Combine(logs, $"worker-{i + 1}.log");
            var args = new List<string> { "--json", "study", "work", plan.Name, "--retries", retries.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (workspace is not null) args.AddRange(["--workspace", Path.GetFullPath(workspace)]);
            var psi = new ProcessStartInfo(command.FileName, command.Arguments([.. args]))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            var p = Process.Start(psi) ?? throw new UserError($"could not start a worker ({command.FileName}).");
            p.StandardInput.Close();
            var writer = new StreamWriter(log, append: true) { AutoFlush = true };
            var stderr = Task.Run(async () =>
            {
                using (writer)
                    while (await p.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line) writer.WriteLine(line);
            });
            processes.Add((p, Stopwatch.StartNew(), p.StandardOutput.ReadToEndAsync(), stderr, log));
        }

        bool interrupted = false;
        var seen = new Dictionary<string, string>();
        using var stopping = cancel.Register(() =>
        {
            foreach (var (p, _, _, _, _) in processes)
                try { if (!p.HasExited) LocalProcess.Terminate(p.Id); } catch (InvalidOperationException) { }
        });
        while (processes.Any(x => !x.Process.HasExited))
        {
            if (cancel.IsCancellationRequested && !interrupted)
            {
                interrupted = true;
                narrator.Log("stopping: every worker saves its run and gives its job back…");
            }
            Report(StudyStatus.Of(store, plan.Name), seen, narrator);
            processes.First(x => !x.Process.HasExited).Process.WaitForExit(PollInterval);
        }

        var summaries = new List<StudyWorkerProcess>();
        for (int i = 0; i < processes.Count; i++)
        {
            var (p, watch, stdout, stderr, log) = processes[i];
            p.WaitForExit();
            stderr.Wait();
            IReadOnlyList<string> jobs = [];
            double busy = 0;
            try
            {
                var result = JsonSerializer.Deserialize<StudyWorkerResult>(stdout.Result, MesaLabJson.Compact);
                jobs = [.. result?.Jobs.Select(j => j.Job) ?? []];
                busy = result?.Jobs.Sum(j => j.Seconds) ?? 0;
            }
            catch (JsonException)
            {
                // A worker that was killed printed no result; its log says what it did.
            }
            if (p.ExitCode != 0 && !interrupted)
                narrator.Log($"worker {i + 1} (process {p.Id}) ended with exit code {p.ExitCode}; see {log}");
            summaries.Add(new StudyWorkerProcess(i + 1, p.Id, p.ExitCode, watch.Elapsed.TotalSeconds, jobs, busy, log));
            p.Dispose();
        }
        var status = StudyStatus.Of(store, plan.Name);
        Report(status, seen, narrator);
        return new StudyRunResult(plan.Name, "local", start.Created, start.Retried, status, summaries, null, clock.Elapsed.TotalSeconds,
            interrupted || cancel.IsCancellationRequested);
    }

    /// <summary>Narrates jobs that changed state since the last look, and the progress of the study.</summary>
    public static void Report(StudyStatusResult status, Dictionary<string, string> seen, INarrator narrator)
    {
        foreach (var j in status.JobStates)
        {
            if (seen.TryGetValue(j.Job, out var was) && was == j.State) continue;
            bool first = !seen.ContainsKey(j.Job);
            seen[j.Job] = j.State;
            if (first && j.State is "pending" or "completed") continue;
            narrator.Log(j.State switch
            {
                "completed" => $"job {j.Job}: completed (run {j.RunId}, {j.Seconds:0} s)",
                "failed" => $"job {j.Job}: failed (attempt {j.Attempts}): {j.Error}",
                "running" => $"job {j.Job}: running ({j.HeldBy})",
                _ => $"job {j.Job}: {j.State}",
            });
        }
        var running = status.JobStates.Where(j => j.State == "running")
            .Select(j => j.Progress is { } p && j.Stage == "train" ? $"{j.Job} {p:P0}" : $"{j.Job} {j.Stage}");
        narrator.Progress(status.ByState["completed"], status.Jobs, string.Join(", ", running));
    }
}
