namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Learning;
using MesaLab.Store;

/// <summary>How a training session ended.</summary>
/// <param name="LastMetrics">The last update's metrics (null when no update ran).</param>
/// <param name="HeldOut">The held-out check of a completed run (null when interrupted).</param>
public sealed record TrainResult(RunRecord Run, RunStatus Status, long Updates, long Steps, double WallSeconds, string? LastCheckpoint,
    UpdateMetrics? LastMetrics, HeldOutResult? HeldOut);

/// <summary>
/// Training as a stored run: builds the learner from the experiment's <c>ppo</c>, <c>network</c>, <c>training</c> and
/// <c>transparency</c> sections (so every setting is checked before a run exists), creates or resumes the run, trains
/// to the budget logging every update's metrics, writes checkpoints periodically and at the end (or on cancellation),
/// and finishes with a held-out check.
/// </summary>
public static class TrainJob
{
    /// <summary>The sections a training run reads, written out in full with the run.</summary>
    public static readonly IReadOnlyList<string> Sections = ["ppo", "network", "training", "transparency", "curriculum", "signal"];

    /// <summary>Starts a new run of <paramref name="config"/> (for <paramref name="studyJob"/>, when a study's worker runs it).</summary>
    public static TrainResult Start(IRunStore store, ExperimentConfig config, INarrator narrator, CancellationToken cancel = default, StudyJobRef? studyJob = null)
    {
        var ppo = config.Section<PpoSettings>();
        var network = config.Section<NetworkSettings>();
        var training = config.Section<TrainingSettings>();
        var transparency = config.Section<TransparencyTrainingSettings>();
        var curriculum = config.Section<CurriculumSettings>();
        var signal = config.Section<SignalSettings>();
        TorchSetup.SetThreads(config.Threads);
        var device = TorchSetup.Device(training.Device);
        using var learner = new Ppo(config.TrainSplit, (ulong)config.Seed, ppo, network, device, transparency, curriculum: curriculum, signal: signal);
        using var session = RunSession.Create(store, config, ResultKinds.TrainRun, Sections, studyJob: studyJob);
        narrator.Log($"run {session.Run.Id} ({session.Run.Name}): {config.World.Name}, split {config.TrainSplitName}, seed {config.Seed}, {config.Threads} thread(s), {ppo.TotalSteps:N0} steps; store {store.Location}");
        return session.Execute(s => Loop(s, config, training, learner, narrator, cancel));
    }

    /// <summary>
    /// Continues a run from its latest checkpoint (or the one at update <paramref name="checkpointUpdate"/>); a run killed
    /// before its first checkpoint starts again from update 0 of its stored configuration, and one killed after its last
    /// update but before it was marked completed runs only its held-out check. Metrics logged after the checkpoint (by a
    /// killed process) are dropped, so the stored sequence is the one an uninterrupted run would have logged.
    /// <paramref name="overrides"/> may change <c>threads</c>, <c>ppo.total_steps</c> (a larger budget) and
    /// <c>training.device</c>; anything else would make the continuation a different experiment.
    /// </summary>
    public static TrainResult Resume(IRunStore store, string runIdOrName, IReadOnlyList<ConfigOverride> overrides, INarrator narrator,
        long? checkpointUpdate = null, CancellationToken cancel = default)
    {
        foreach (var o in overrides)
            if (o.Path is not ("threads" or "ppo.total_steps" or "training.device"))
                throw new UserError($"{o.Source}: a resumed run keeps its stored configuration; only threads, ppo.total_steps and training.device may change.");
        var run = StoredRun.Open(store, runIdOrName, overrides);
        if (run.Record.Kind != ResultKinds.TrainRun)
            throw new UserError($"{run.Label} is a '{run.Record.Kind}' run; only training runs can be resumed.");
        bool moreSteps = overrides.Any(o => o.Path == "ppo.total_steps");
        bool completed = run.Record.EffectiveStatus == RunStatus.Completed;
        if (completed && checkpointUpdate is null && !moreSteps)
            throw new UserError($"{run.Label} already completed its budget; give --steps N to train further.");
        var config = run.Config;
        var ppo = config.Section<PpoSettings>();
        var training = config.Section<TrainingSettings>();
        TorchSetup.SetThreads(config.Threads);
        var device = TorchSetup.Device(training.Device);
        Ppo learner;
        string from;
        string? resumedFrom = null;
        if (checkpointUpdate is null && store.Checkpoints(run.Id).Count == 0)
        {
            // Killed before its first checkpoint: nothing was kept but the configuration, which rebuilds the same start.
            learner = new Ppo(config.TrainSplit, (ulong)config.Seed, ppo, config.Section<NetworkSettings>(), device, config.Section<TransparencyTrainingSettings>(),
                curriculum: config.Section<CurriculumSettings>(), signal: config.Section<SignalSettings>());
            from = "the start (it has no checkpoint yet)";
        }
        else
        {
            var reference = run.Checkpoint(checkpointUpdate);
            var checkpoint = Checkpoint.Read(run.VerifiedPath(reference));
            if (checkpoint.Meta.Threads != config.Threads)
                narrator.Log($"note: the run used {checkpoint.Meta.Threads} thread(s) and resumes with {config.Threads}; metrics may differ from an uninterrupted run.");
            learner = checkpoint.Resume(device, ppo);
            from = resumedFrom = reference.Path;
        }
        using (learner)
        {
            if (learner.Finished && (completed || moreSteps))
                throw new UserError($"{run.Label} already trained its whole budget of {learner.Settings.TotalSteps:N0} steps at that checkpoint; give --steps N with more than that to train further.");
            using var session = RunSession.Resume(store, run.Record);
            session.RewindTo(learner.Update);
            if (overrides.Count > 0) store.UpdateRunConfig(run.Id, config.ToYaml(Sections));
            narrator.Log(learner.Finished
                ? $"{run.Label}: its training finished at update {learner.Update}; running the held-out check it was stopped before"
                : $"{run.Label}: resuming at update {learner.Update} ({learner.GlobalStep:N0} steps) from {from}");
            return session.Execute(s => Loop(s, config, training, learner, narrator, cancel, resumedFrom));
        }
    }

    /// <param name="resumedFrom">The checkpoint the learner was restored from (null for a new start): it is not written again
    /// when no update runs, since rewriting a recorded checkpoint would open a window in which a kill leaves a file that no
    /// longer matches its recorded SHA-256.</param>
    private static TrainResult Loop(RunSession session, ExperimentConfig config, TrainingSettings training, Ppo learner, INarrator narrator,
        CancellationToken cancel, string? resumedFrom = null)
    {
        var run = session.Run;
        var sinceCheckpoint = Stopwatch.StartNew();
        long totalSteps = learner.TotalUpdates * learner.Settings.BatchSize;
        string? lastCheckpoint = resumedFrom;
        UpdateMetrics? last = null;
        narrator.Stage("train", $"training a PPO agent on {config.World.Name}/{config.TrainSplitName}, seed {config.Seed}");

        while (!learner.Finished && !cancel.IsCancellationRequested && !session.Lost.IsCancellationRequested)
        {
            last = learner.Train();
            session.AddMetrics(last);
            narrator.Progress(last.GlobalStep, totalSteps, Detail(last));
            if (sinceCheckpoint.Elapsed.TotalSeconds >= training.CheckpointSeconds && !learner.Finished)
            {
                lastCheckpoint = session.SaveCheckpoint(learner, config).Path;
                sinceCheckpoint.Restart();
            }
        }
        if (last is not null || resumedFrom is null) lastCheckpoint = session.SaveCheckpoint(learner, config).Path;
        if (!learner.Finished)
        {
            var interrupted = session.Finish(RunStatus.Interrupted);
            narrator.Log($"interrupted at update {learner.Update}; saved {lastCheckpoint}; continue with: mesalab train --resume {run.Id}");
            return new TrainResult(interrupted, RunStatus.Interrupted, learner.Update, learner.GlobalStep, session.WallSeconds, lastCheckpoint, last, null);
        }

        narrator.Log($"checking {training.HeldOutLevels} held-out {config.TrainSplitName} levels…");
        using var policy = new LearnedPolicy(learner.Network, run.Name, training.HeldOutGreedy, (ulong)config.Seed);
        var held = HeldOutCheck.Run(policy, config.TrainSplit, (ulong)config.Seed, training.HeldOutLevels);
        session.AddResult(ResultKinds.HeldOutCheck, config.TrainSplitName, held);
        if (learner.Signal is not null) session.AddResult(ResultKinds.TrainingSignal, learner.Signal.Kind, learner.Signal.Summary(learner.Settings.Gamma));
        var completed = session.Finish(RunStatus.Completed);
        return new TrainResult(completed, RunStatus.Completed, learner.Update, learner.GlobalStep, session.WallSeconds, lastCheckpoint, last, held);
    }

    /// <summary>The progress detail of one update: return, success, episode length, entropy and speed.</summary>
    public static string Detail(UpdateMetrics m)
    {
        static string F(double v, string f) => double.IsFinite(v) ? v.ToString(f, CultureInfo.InvariantCulture) : "–";
        return $"return {F(m.EpisodicReturn, "0.00")}, success {F(m.SuccessRate, "0.00")}, length {F(m.EpisodeLength, "0.0")}, entropy {F(m.Entropy, "0.00")}, {F(m.Sps, "N0")} steps/s";
    }
}
