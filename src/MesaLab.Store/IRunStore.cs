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

    /// <summary>
    /// Creates a run with status <see cref="RunStatus.Running"/>; the name is made unique. With a
    /// <paramref name="holder"/> the run is created already held by it, in the same transaction (its lease is
    /// the returned record's <see cref="RunRecord.Lease"/>), so no other process can take it in between.
    /// </summary>
    RunRecord CreateRun(NewRun run, RunHolder? holder = null);

    /// <summary>
    /// The run whose id is <paramref name="idOrName"/>, or whose name is, or whose id or name starts with it
    /// when exactly one does. Throws <see cref="MesaLab.Core.UserError"/> naming the run otherwise.
    /// </summary>
    RunRecord GetRun(string idOrName);

    /// <summary>Like <see cref="GetRun"/> but null when nothing matches (still throws when ambiguous).</summary>
    RunRecord? FindRun(string idOrName);

    /// <summary>Every run, newest first.</summary>
    IReadOnlyList<RunRecord> ListRuns();

    /// <summary>
    /// Sets status, wall-clock seconds and the error (null clears it); stamps <c>updated</c>, and <c>finished</c>
    /// unless the status is running. Leaves the lease alone: a holder finishing its run calls <see cref="ReleaseLease"/>.
    /// </summary>
    void UpdateRun(string runId, RunStatus status, double wallSeconds, string? error = null);

    /// <summary>Replaces the stored configuration text (e.g. after <c>--resume</c> with overrides).</summary>
    void UpdateRunConfig(string runId, string config);

    /// <summary>Deletes a run and everything attached to it (metrics, checkpoint references, evaluations, results, lease). Files are not touched.</summary>
    void DeleteRun(string runId);

    // ----- leases -----

    /// <summary>
    /// Takes the run's lease for <paramref name="holder"/> in one transaction and marks the run running (clearing
    /// <c>finished</c> and the error). Succeeds when nobody holds the run, when its holder is gone (its heartbeat
    /// is older than <see cref="RunLease.StaleAfter"/>, or it is a process on this machine that no longer runs),
    /// or when <paramref name="holder"/> holds it already. Otherwise throws a <see cref="MesaLab.Core.UserError"/>
    /// naming the live holder.
    /// </summary>
    RunLease AcquireLease(string runId, RunHolder holder);

    /// <summary>
    /// Records that the lease's holder is alive and returns the lease with the new heartbeat. Throws a
    /// <see cref="MesaLab.Core.UserError"/> when the holder no longer has the lease (another process took it
    /// after this one's heartbeat went stale, or it was released): the holder must stop writing to the run.
    /// </summary>
    RunLease Heartbeat(RunLease lease);

    /// <summary>
    /// Ends the holding in one transaction: sets the run's final status (not running), wall-clock seconds and
    /// error, and deletes the lease. Throws a <see cref="MesaLab.Core.UserError"/>, changing nothing, when the
    /// holder no longer has the lease.
    /// </summary>
    void ReleaseLease(RunLease lease, RunStatus status, double wallSeconds, string? error = null);

    // ----- integrity -----

    /// <summary>
    /// Looks for inconsistencies, reading every checkpoint file: duplicate metrics, checkpoint files missing or
    /// not matching their size and SHA-256, runs recorded as running that no live process holds, evaluations
    /// whose episodes do not number their count, abandoned temporary files in the workspace, and (SQLite) damage
    /// the database itself reports. Empty when the store is sound; meant for a store no process is writing to.
    /// </summary>
    IReadOnlyList<StoreProblem> Check();

    // ----- metrics -----

    /// <summary>Adds metric values in one transaction (upserting on (run, update, name)).</summary>
    void AddMetrics(string runId, IReadOnlyList<MetricPoint> points);

    /// <summary>Metrics of a run ordered by update then name; optionally one name only.</summary>
    IReadOnlyList<MetricPoint> Metrics(string runId, string? name = null);

    /// <summary>Metrics logged at updates after <paramref name="update"/>, ordered by update then name (what a live view polls for).</summary>
    IReadOnlyList<MetricPoint> MetricsAfter(string runId, long update);

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

    /// <summary>
    /// Forgets the checkpoint references after <paramref name="update"/> and returns them (a run continued from an earlier
    /// checkpoint rewrites its later history); deleting their files is the caller's.
    /// </summary>
    IReadOnlyList<CheckpointRecord> DeleteCheckpointsAfter(string runId, long update);

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

    // ----- studies -----

    /// <summary>
    /// Creates a study with all its jobs (pending) in one transaction, or, when a study of that name exists, leaves
    /// it as it is. Returns the stored study and whether this call created it; the caller compares
    /// <see cref="StudyRecord.SpecHash"/> to tell a re-run from a different study under the same name.
    /// </summary>
    (StudyRecord Study, bool Created) SaveStudy(NewStudy study);

    /// <summary>The study of that name, or null.</summary>
    StudyRecord? FindStudy(string name);

    /// <summary>Every study, newest first.</summary>
    IReadOnlyList<StudyRecord> ListStudies();

    /// <summary>The jobs of a study in <see cref="StudyJobRecord.Position"/> order, with their runs and leases.</summary>
    IReadOnlyList<StudyJobRecord> StudyJobs(string study);

    /// <summary>
    /// Takes the first job (by position) a worker may run — pending, interrupted (its worker is gone), or failed
    /// fewer than <paramref name="maxFailures"/> times — or only <paramref name="job"/> when given; marks it running,
    /// counts the attempt and leases it to <paramref name="holder"/>, all in one transaction, so two workers never
    /// take the same job. Null when no job (or not that one) may be taken now.
    /// </summary>
    StudyJobLease? ClaimStudyJob(string study, RunHolder holder, int maxFailures, string? job = null);

    /// <summary>Records that the job's holder is alive; a <see cref="MesaLab.Core.UserError"/> when it no longer holds the job.</summary>
    StudyJobLease HeartbeatStudyJob(StudyJobLease lease);

    /// <summary>
    /// Gives the job back with its final state of this attempt (completed, interrupted or failed, which counts a
    /// failure and keeps the error) and the attempt's wall-clock seconds; a <see cref="MesaLab.Core.UserError"/>,
    /// changing nothing, when the holder no longer holds it.
    /// </summary>
    void ReleaseStudyJob(StudyJobLease lease, StudyJobState state, double seconds, string? error = null);

    /// <summary>Forgets the failures of a study's failed jobs, so that workers try them again; returns how many.</summary>
    int RetryFailedStudyJobs(string study);
}
