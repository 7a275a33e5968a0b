namespace MesaLab.Store;

/// <summary>
/// The run store: runs, their metrics and checkpoint references, evaluations with their episodes, and
/// generic JSON results. SQLite by default (one file in the workspace); PostgreSQL for many machines
/// (same schema, same contract). Every method is safe to call from several threads and processes;
/// every multi-row write is one transaction, so a killed process leaves either all of it or none.
/// </summary>
/// <remarks>Open one with <see cref="RunStores.Open(string?, string?)"/>.</remarks>
public interface IRunStore : IDisposable
{
    /// <summary>Directory that checkpoint paths are relative to (created if missing).</summary>
    string Workspace { get; }

    /// <summary>Where the data lives, for logs: <c>sqlite:/path/mesalab.db</c> or <c>postgresql://host:port/db</c> (no password).</summary>
    string Location { get; }

    // ----- runs -----

    /// <summary>Creates a run with status <see cref="RunStatus.Running"/>; the name is made unique.</summary>
    RunRecord CreateRun(NewRun run);

    /// <summary>
    /// The run whose id is <paramref name="idOrName"/>, or whose name is, or whose id or name starts with it
    /// when exactly one does. Throws <see cref="MesaLab.Core.UserError"/> naming the run otherwise.
    /// </summary>
    RunRecord GetRun(string idOrName);

    /// <summary>Like <see cref="GetRun"/> but null when nothing matches (still throws when ambiguous).</summary>
    RunRecord? FindRun(string idOrName);

    /// <summary>Every run, newest first.</summary>
    IReadOnlyList<RunRecord> ListRuns();

    /// <summary>Sets status and wall-clock seconds; stamps <c>updated</c>, and <c>finished</c> unless the status is running.</summary>
    void UpdateRun(string runId, RunStatus status, double wallSeconds);

    /// <summary>Replaces the stored configuration text (e.g. after <c>--resume</c> with overrides).</summary>
    void UpdateRunConfig(string runId, string config);

    /// <summary>Deletes a run and everything attached to it (metrics, checkpoint references, evaluations, results). Files are not touched.</summary>
    void DeleteRun(string runId);

    // ----- metrics -----

    /// <summary>Adds metric values in one transaction (upserting on (run, update, name)).</summary>
    void AddMetrics(string runId, IReadOnlyList<MetricPoint> points);

    /// <summary>Metrics of a run ordered by update then name; optionally one name only.</summary>
    IReadOnlyList<MetricPoint> Metrics(string runId, string? name = null);

    /// <summary>For each metric name, its value at the latest update that logged it.</summary>
    IReadOnlyList<MetricPoint> LastMetrics(string runId);

    /// <summary>Deletes metrics logged after <paramref name="update"/> (a resumed run continues from its checkpoint).</summary>
    void DeleteMetricsAfter(string runId, long update);

    // ----- checkpoints -----

    /// <summary>Records a checkpoint (replacing an earlier reference for the same run and update).</summary>
    void AddCheckpoint(CheckpointRecord checkpoint);

    /// <summary>Checkpoint references of a run, oldest update first.</summary>
    IReadOnlyList<CheckpointRecord> Checkpoints(string runId);

    /// <summary>The checkpoint with the highest update, or null.</summary>
    CheckpointRecord? LatestCheckpoint(string runId);

    // ----- evaluations and episodes -----

    /// <summary>Stores an evaluation and all its episodes in one transaction; returns it with its new id.</summary>
    EvaluationRecord AddEvaluation(NewEvaluation evaluation, IReadOnlyList<StoredEpisode> episodes);

    /// <summary>An evaluation by id; <see cref="MesaLab.Core.UserError"/> if there is none.</summary>
    EvaluationRecord GetEvaluation(long evaluationId);

    /// <summary>Evaluations, newest first: of one run, or all of them when <paramref name="runId"/> is null.</summary>
    IReadOnlyList<EvaluationRecord> Evaluations(string? runId = null);

    /// <summary>Episodes of an evaluation in index order (with their trajectories).</summary>
    IReadOnlyList<StoredEpisode> Episodes(long evaluationId);

    // ----- results -----

    /// <summary>Attaches a JSON document to a run and/or evaluation (both may be null for free-standing results); returns its id.</summary>
    long AddResult(string? runId, long? evaluationId, string kind, string name, string json);

    /// <summary>Results matching every filter given (null = any), oldest first.</summary>
    IReadOnlyList<ResultRecord> Results(string? runId = null, long? evaluationId = null, string? kind = null);
}
