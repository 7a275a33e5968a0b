namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using MesaLab.Learning;
using MesaLab.Store;

/// <summary>A job of a stored study, named by the study and the job (e.g. <c>homogeneity</c>, <c>plain/seed-3</c>).</summary>
public sealed record StudyJobRef(string Study, string Job);

/// <summary>
/// A run being written: created (or resumed) in the store, with its metrics, checkpoints, result documents and
/// status. The session holds the run's lease (host, pid, heartbeat) from start to finish, so no second process can
/// write the run at the same time, and a run whose process dies reads as interrupted. Wall time accumulates over
/// resumptions. <see cref="Execute{T}"/> marks the run failed, with its error, when the work throws, and interrupted
/// when it is cancelled, so no run is left "running" by an error.
/// </summary>
public sealed class RunSession : IDisposable
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly double priorWallSeconds;
    private readonly List<MetricPoint> points = new(16);
    private readonly LeaseKeeper keeper;
    private bool finished;

    private RunSession(IRunStore store, RunRecord run, RunLease lease, double priorWallSeconds)
    {
        Store = store;
        Run = run;
        this.priorWallSeconds = priorWallSeconds;
        keeper = new LeaseKeeper(store, lease);
    }

    public IRunStore Store { get; }
    public RunRecord Run { get; private set; }

    /// <summary>Wall-clock seconds of the run so far, over every session.</summary>
    public double WallSeconds => priorWallSeconds + clock.Elapsed.TotalSeconds;

    /// <summary>
    /// Creates a run of <paramref name="config"/>; its stored configuration writes out in full the sections the job
    /// reads (<paramref name="sections"/>). Validate everything the job needs before calling this: a run exists only
    /// for work that can start.
    /// </summary>
    /// <param name="studyJob">The study job the run does, if any: the store links it, and refuses a second run for the same job.</param>
    public static RunSession Create(IRunStore store, ExperimentConfig config, string kind, IEnumerable<string> sections, string? name = null,
        StudyJobRef? studyJob = null)
    {
        var run = store.CreateRun(new NewRun(name ?? config.Name, kind, config.World.Name, config.ToYaml(sections), config.Seed)
        {
            Study = studyJob?.Study,
            StudyJob = studyJob?.Job,
        }, RunHolder.ThisProcess());
        return new RunSession(store, run, run.Lease!, 0);
    }

    /// <summary>
    /// Continues a stored run: takes its lease (a <see cref="UserError"/> naming the holder when a live process has it),
    /// removes temporary files a killed writer left in its directory, and sets it running again; wall time adds to what it had.
    /// </summary>
    public static RunSession Resume(IRunStore store, RunRecord run)
    {
        var lease = store.AcquireLease(run.Id, RunHolder.ThisProcess());
        var directory = Path.Combine(store.Workspace, run.Id);
        if (Directory.Exists(directory)) AtomicFile.DeleteAbandoned(directory);
        return new RunSession(store, store.GetRun(run.Id), lease, run.WallSeconds);
    }

    /// <summary>
    /// Makes the run's stored history end at <paramref name="update"/>, where the resumed work continues: metrics and
    /// checkpoint references after it are deleted, and so are checkpoint files in the run's directory that no reference
    /// names (a process killed between writing a checkpoint and recording it leaves one).
    /// </summary>
    public void RewindTo(long update)
    {
        Store.DeleteMetricsAfter(Run.Id, update);
        Store.DeleteCheckpointsAfter(Run.Id, update);
        var directory = Path.Combine(Store.Workspace, Run.Id);
        if (!Directory.Exists(directory)) return;
        var recorded = Store.Checkpoints(Run.Id).Select(c => Path.GetFullPath(Path.Combine(Store.Workspace, c.Path))).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, CheckpointPattern))
            if (!recorded.Contains(Path.GetFullPath(file)))
                File.Delete(file);
    }

    private const string CheckpointPattern = "ckpt-*.mlck";

    /// <summary>Cancelled when another process took the run's lease (this one stalled past the heartbeat limit).</summary>
    public CancellationToken Lost => keeper.Lost;

    /// <summary>Runs <paramref name="work"/>; a throw marks the run failed (cancellation: interrupted) and is rethrown.</summary>
    public T Execute<T>(Func<RunSession, T> work)
    {
        try
        {
            return work(this);
        }
        catch (OperationCanceledException)
        {
            Finish(RunStatus.Interrupted);
            throw;
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
    }

    /// <summary>One update's metrics under the names every run uses (non-finite values are left out).</summary>
    public void AddMetrics(UpdateMetrics metrics)
    {
        points.Clear();
        foreach (var (name, value) in metrics.Named())
            if (double.IsFinite(value)) points.Add(new MetricPoint(metrics.Update, metrics.GlobalStep, name, value));
        Store.AddMetrics(Run.Id, points);
    }

    /// <summary>Writes the learner's checkpoint into the run's directory, records it with its SHA-256, and saves the wall time.</summary>
    public CheckpointRecord SaveCheckpoint(Ppo learner, ExperimentConfig config)
    {
        keeper.ThrowIfLost();
        var relative = $"{Run.Id}/ckpt-{learner.Update:D6}.mlck";
        var full = Path.Combine(Store.Workspace, relative);
        Checkpoint.Write(full, learner, new CheckpointMeta
        {
            RunId = Run.Id,
            RunName = Run.Name,
            Threads = config.Threads,
            Config = Run.Config,
            CodeVersion = CodeVersion.Current,
        });
        var bytes = File.ReadAllBytes(full);
        var record = new CheckpointRecord(Run.Id, learner.Update, learner.GlobalStep, relative,
            Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, DateTimeOffset.UtcNow);
        Store.AddCheckpoint(record);
        Store.UpdateRun(Run.Id, RunStatus.Running, WallSeconds);
        return record;
    }

    /// <summary>Attaches a result document (serialized with <see cref="MesaLabJson"/>) to the run.</summary>
    public long AddResult(string kind, string name, object document, long? evaluationId = null) =>
        Store.AddResult(Run.Id, evaluationId, kind, name, JsonSerializer.Serialize(document, document.GetType(), MesaLabJson.Compact));

    /// <summary>Marks the run completed, interrupted or failed with its wall time, and gives up its lease.</summary>
    public RunRecord Finish(RunStatus status, string? error = null)
    {
        if (!finished)
        {
            finished = true;
            keeper.Dispose();
            Store.ReleaseLease(keeper.Lease, status, WallSeconds, error);
        }
        return Run = Store.GetRun(Run.Id);
    }

    /// <summary>Marks the run failed with its error (shown by <c>mesalab runs show</c>).</summary>
    public void Fail(Exception error)
    {
        try
        {
            Finish(RunStatus.Failed, error.Message);
        }
        catch (Exception)
        {
            // The store itself failing must not hide the original error.
        }
    }

    /// <summary>Gives up the lease of a session that did not finish (the run then reads as interrupted).</summary>
    public void Dispose()
    {
        if (finished) return;
        finished = true;
        keeper.Dispose();
    }
}
