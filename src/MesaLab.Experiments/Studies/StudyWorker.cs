namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Text.Json;
using MesaLab.Store;

/// <summary>What a worker did with one job.</summary>
/// <param name="Seconds">Wall-clock seconds from taking the job to giving it back.</param>
public sealed record StudyJobOutcome(string Job, string? RunId, StudyJobState State, double Seconds, double TrainSeconds, double EvaluateSeconds,
    double AnalyseSeconds, string? Error);

/// <summary>What one worker process did: the jobs it ran and how long it lived.</summary>
public sealed record StudyWorkerResult(string Study, string Host, int Pid, IReadOnlyList<StudyJobOutcome> Jobs, double Seconds, string? Note);

/// <summary>Which jobs a worker takes and how often a failed job is tried.</summary>
/// <param name="Retries">A job that failed more than this many times is not taken again.</param>
/// <param name="Job">Only this job (by name).</param>
/// <param name="JobIndex">Only the job at this position (a Slurm array task's index).</param>
public sealed record StudyWorkerOptions(int Retries, string? Job = null, int? JobIndex = null);

/// <summary>
/// A study's worker: takes the study's jobs one at a time under a lease (so two workers never run the same job),
/// and for each trains the procedure with its seed — or resumes the job's run from its checkpoint —, evaluates it on
/// the train and deploy splits, analyses it (<see cref="RunAnalysis"/>) and stores the run's study figures. A job that
/// throws is given back failed with its error and taken again while retries remain; Ctrl-C or SIGTERM interrupts the
/// current job (its run saves a checkpoint) and ends the worker. What executors run, one process per worker.
/// </summary>
public static class StudyWorker
{
    public static StudyWorkerResult Run(IRunStore store, string study, StudyWorkerOptions options, INarrator narrator, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var record = StudyJob.Find(store, study);
        var settings = StudyJob.Settings(record);
        var jobs = store.StudyJobs(study);
        string? only = options.Job;
        if (options.JobIndex is { } index)
            only = jobs.FirstOrDefault(j => j.Position == index)?.Job
                   ?? throw new UserError($"--job-index {index}: study {study} has jobs 0 to {jobs.Count - 1}.");
        if (only is not null && jobs.All(j => j.Job != only))
            throw new UserError($"study {study} has no job '{only}'; `mesalab study status {study}` lists its jobs.");
        var holder = RunHolder.ThisProcess();
        var outcomes = new List<StudyJobOutcome>();
        while (!cancel.IsCancellationRequested)
        {
            var lease = store.ClaimStudyJob(study, holder, options.Retries + 1, only);
            if (lease is null) break;
            var outcome = RunOne(store, lease, settings, narrator, cancel);
            outcomes.Add(outcome);
            narrator.Log($"job {outcome.Job}: {outcome.State.ToText()} in {outcome.Seconds:0.0} s{(outcome.Error is null ? "" : $": {outcome.Error}")}");
        }
        string? note = null;
        if (only is not null && outcomes.Count == 0)
        {
            var job = store.StudyJobs(study).First(j => j.Job == only);
            note = job.EffectiveState switch
            {
                StudyJobState.Completed => $"job {only} is already completed",
                StudyJobState.Running => $"job {only} is held by {job.Lease!.Holder}",
                StudyJobState.Failed => $"job {only} failed {job.Failures} times, more than the {options.Retries} retries allow: {job.Error}",
                _ => null,
            };
            if (note is not null) narrator.Log(note);
        }
        return new StudyWorkerResult(study, holder.Host, holder.Pid, outcomes, clock.Elapsed.TotalSeconds, note);
    }

    private static StudyJobOutcome RunOne(IRunStore store, StudyJobLease lease, StudySettings settings, INarrator narrator, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        string? runId = null;
        double train = 0, evaluate = 0, analyse = 0;
        var keeper = new StudyJobKeeper(store, lease);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, keeper.Lost);
        StudyJobOutcome Give(StudyJobState state, string? error = null)
        {
            keeper.Dispose();
            double seconds = clock.Elapsed.TotalSeconds;
            try
            {
                store.ReleaseStudyJob(keeper.Lease, state, seconds, error);
            }
            catch (UserError e)
            {
                // The lease was lost (another worker took the job after this one stalled): that worker reports it.
                narrator.Log(e.Message);
            }
            return new StudyJobOutcome(lease.Job, runId, state, seconds, train, evaluate, analyse, error);
        }

        try
        {
            var job = store.StudyJobs(lease.Study).First(j => j.Job == lease.Job);
            narrator.Stage($"job {job.Job}", $"study {job.Study}: procedure {job.Procedure}, seed {job.Seed} (attempt {job.Attempts})");
            var config = ExperimentConfig.ParseStored(job.Config, $"the configuration of job {job.Job} of study {job.Study}");
            // A run that was interrupted resumes from its last checkpoint (from the start when it had none yet).
            var run = job.RunId is null ? null : store.GetRun(job.RunId);
            TrainResult? trained = null;
            if (run is null) trained = TrainJob.Start(store, config, narrator, linked.Token, new StudyJobRef(job.Study, job.Job));
            else if (run.EffectiveStatus != RunStatus.Completed) trained = TrainJob.Resume(store, run.Id, [], narrator, cancel: linked.Token);
            runId = trained?.Run.Id ?? run!.Id;
            if (trained is { Status: not RunStatus.Completed }) return Give(StudyJobState.Interrupted);
            train = store.GetRun(runId).WallSeconds;
            keeper.ThrowIfLost();

            var existing = store.Results(runId, kind: ResultKinds.StudyRun).LastOrDefault();
            if (existing is null)
            {
                var stored = StoredRun.Open(store, runId);
                var analysis = RunAnalysis.Of(stored, narrator, linked.Token);
                (evaluate, analyse) = (analysis.EvaluateSeconds, analysis.AnalyseSeconds);
                ulong figureSeed = unchecked((ulong)job.Seed) ^ Rng.Hash(job.Job);
                IReadOnlyList<StudyFigureValue> figures = [.. StudyFigures.Of(analysis, settings.Replicates, figureSeed),
                    .. ProposalFigures.Of(stored, analysis, settings.Replicates, figureSeed)];
                var document = new StudyRunDocument(job.Study, job.Job, job.Procedure, job.Seed, runId, train, evaluate, analyse,
                    analysis.Deploy.Analysis.Outcomes.Count, analysis.Decomposition.BaseObjective, analysis.Decomposition.DeployBehavioralObjective,
                    [.. analysis.Deploy.Analysis.Behavioral.Candidates.Select(c => c.Candidate)], figures);
                keeper.ThrowIfLost();
                store.AddResult(runId, null, ResultKinds.StudyRun, job.Job, JsonSerializer.Serialize(document, MesaLabJson.Compact));
            }
            else
            {
                var document = JsonSerializer.Deserialize<StudyRunDocument>(existing.Json, MesaLabJson.Compact)!;
                (evaluate, analyse) = (document.EvaluateSeconds, document.AnalyseSeconds);
            }
            return Give(StudyJobState.Completed);
        }
        catch (OperationCanceledException)
        {
            return Give(StudyJobState.Interrupted);
        }
        catch (Exception e)
        {
            return Give(StudyJobState.Failed, e.Message);
        }
    }
}
