namespace MesaLab.Learning;

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;
using static TorchSharp.torch;

/// <summary>Where a training run stands after one update, for progress displays.</summary>
public sealed record TrainingProgress(string RunId, string RunName, UpdateMetrics Metrics, long TotalUpdates, long TotalSteps, TimeSpan Elapsed, TimeSpan? Remaining);

/// <summary>How a training session ended.</summary>
public sealed record TrainingOutcome(RunRecord Run, RunStatus Status, long Updates, long Steps, double WallSeconds, string? LastCheckpoint, UpdateMetrics? LastMetrics, HeldOutResult? HeldOut);

/// <summary>
/// A training run kept in the run store: creates (or resumes) the run, trains to the budget, logs every update's
/// metrics, writes checkpoints periodically and at the end (or on cancellation), and finishes with a held-out check.
/// </summary>
public static class TrainingRun
{
    public const string Kind = "train";

    /// <summary>Starts a new run of <paramref name="config"/>.</summary>
    public static TrainingOutcome Start(IRunStore store, ExperimentConfig config, CancellationToken cancel = default,
        Action<TrainingProgress>? progress = null, Action<string>? log = null)
    {
        var (ppo, network, training) = Sections(config);
        var transparency = config.Section<TransparencyTrainingSettings>("transparency");
        TorchSetup.SetThreads(config.Threads);
        var device = TorchSetup.Device(training.Device);
        var run = store.CreateRun(new NewRun(config.Name, Kind, config.World.Name, config.ToYaml(), config.Seed));
        log?.Invoke($"run {run.Id} ({run.Name}): {config.World.Name}, split {config.TrainSplitName}, seed {config.Seed}, {config.Threads} thread(s), {ppo.TotalSteps:N0} steps; store {store.Location}");
        try
        {
            using var learner = new Ppo(config.TrainSplit, (ulong)config.Seed, ppo, network, device, transparency);
            return Loop(store, run, config, training, learner, 0, cancel, progress, log);
        }
        catch (Exception e) when (e is not UserError)
        {
            store.UpdateRun(run.Id, RunStatus.Failed, run.WallSeconds);
            throw;
        }
    }

    /// <summary>
    /// Continues a run from its latest checkpoint. Metrics logged after that checkpoint (by a killed process) are
    /// dropped, so the stored sequence is the one an uninterrupted run would have logged.
    /// <paramref name="totalSteps"/> may raise the budget.
    /// </summary>
    public static TrainingOutcome Resume(IRunStore store, string runIdOrName, int? threads = null, long? totalSteps = null,
        CancellationToken cancel = default, Action<TrainingProgress>? progress = null, Action<string>? log = null)
    {
        var run = store.GetRun(runIdOrName);
        if (run.Kind != Kind) throw new UserError($"run {run.Id} ({run.Name}) is a '{run.Kind}' run; only training runs can be resumed.");
        var overrides = new List<ConfigOverride>();
        if (threads is { } th) overrides.Add(ConfigOverride.Option("threads", th.ToString(CultureInfo.InvariantCulture), "--threads"));
        if (totalSteps is { } ts) overrides.Add(ConfigOverride.Option("ppo.total_steps", ts.ToString(CultureInfo.InvariantCulture), "--steps"));
        var config = ExperimentConfig.Parse(run.Config, $"the configuration stored with run {run.Id}", overrides);
        var (ppo, _, training) = Sections(config);
        var reference = store.LatestCheckpoint(run.Id)
            ?? throw new UserError($"run {run.Id} ({run.Name}) has no checkpoint to resume from; start it again with 'mesalab train'.");
        var path = Path.Combine(store.Workspace, reference.Path);
        var checkpoint = Checkpoint.Read(path);
        if (checkpoint.Meta.Threads != config.Threads)
            log?.Invoke($"note: the run used {checkpoint.Meta.Threads} thread(s) and resumes with {config.Threads}; metrics may differ from an uninterrupted run.");
        TorchSetup.SetThreads(config.Threads);
        var learner = checkpoint.Resume(TorchSetup.Device(training.Device), ppo);
        using (learner)
        {
            if (learner.Finished)
            {
                throw new UserError($"run {run.Id} ({run.Name}) already trained its whole budget of {learner.Settings.TotalSteps:N0} steps; give --steps N to train further.");
            }
            store.DeleteMetricsAfter(run.Id, learner.Update);
            if (overrides.Count > 0) store.UpdateRunConfig(run.Id, config.ToYaml());
            store.UpdateRun(run.Id, RunStatus.Running, run.WallSeconds);
            log?.Invoke($"run {run.Id} ({run.Name}): resuming at update {learner.Update} ({learner.GlobalStep:N0} steps) from {reference.Path}");
            try
            {
                return Loop(store, run, config, training, learner, run.WallSeconds, cancel, progress, log);
            }
            catch (Exception e) when (e is not UserError)
            {
                store.UpdateRun(run.Id, RunStatus.Failed, run.WallSeconds);
                throw;
            }
        }
    }

    private static (PpoSettings, NetworkSettings, TrainingSettings) Sections(ExperimentConfig config) =>
        (config.Section<PpoSettings>("ppo"), config.Section<NetworkSettings>("network"), config.Section<TrainingSettings>("training"));

    private static TrainingOutcome Loop(IRunStore store, RunRecord run, ExperimentConfig config, TrainingSettings training, Ppo learner,
        double priorWallSeconds, CancellationToken cancel, Action<TrainingProgress>? progress, Action<string>? log)
    {
        var clock = Stopwatch.StartNew();
        var sinceCheckpoint = Stopwatch.StartNew();
        long startUpdate = learner.Update;
        string? lastCheckpoint = null;
        UpdateMetrics? last = null;
        var points = new List<MetricPoint>(16);
        string yaml = config.ToYaml();

        string Save()
        {
            var relative = $"{run.Id}/ckpt-{learner.Update:D6}.mlck";
            var full = Path.Combine(store.Workspace, relative);
            Checkpoint.Write(full, learner, new CheckpointMeta
            {
                RunId = run.Id,
                RunName = run.Name,
                Threads = config.Threads,
                Config = yaml,
                CodeVersion = CodeVersion.Current,
            });
            var bytes = File.ReadAllBytes(full);
            store.AddCheckpoint(new CheckpointRecord(run.Id, learner.Update, learner.GlobalStep, relative,
                Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, DateTimeOffset.UtcNow));
            store.UpdateRun(run.Id, RunStatus.Running, priorWallSeconds + clock.Elapsed.TotalSeconds);
            sinceCheckpoint.Restart();
            return relative;
        }

        while (!learner.Finished && !cancel.IsCancellationRequested)
        {
            last = learner.Train();
            points.Clear();
            foreach (var (name, value) in last.Named())
                if (double.IsFinite(value)) points.Add(new MetricPoint(last.Update, last.GlobalStep, name, value));
            store.AddMetrics(run.Id, points);
            if (progress is not null)
            {
                double perUpdate = clock.Elapsed.TotalSeconds / (learner.Update - startUpdate);
                var remaining = TimeSpan.FromSeconds(perUpdate * (learner.TotalUpdates - learner.Update));
                progress(new TrainingProgress(run.Id, run.Name, last, learner.TotalUpdates, learner.TotalUpdates * learner.Settings.BatchSize, clock.Elapsed, remaining));
            }
            if (sinceCheckpoint.Elapsed.TotalSeconds >= training.CheckpointSeconds && !learner.Finished) lastCheckpoint = Save();
        }
        lastCheckpoint = Save();
        double wall = priorWallSeconds + clock.Elapsed.TotalSeconds;
        if (!learner.Finished)
        {
            store.UpdateRun(run.Id, RunStatus.Interrupted, wall);
            log?.Invoke($"interrupted at update {learner.Update}; saved {lastCheckpoint}; continue with: mesalab train --resume {run.Id}");
            return new TrainingOutcome(store.GetRun(run.Id), RunStatus.Interrupted, learner.Update, learner.GlobalStep, wall, lastCheckpoint, last, null);
        }

        log?.Invoke($"checking {training.HeldOutLevels} held-out {config.TrainSplitName} levels…");
        using var policy = new LearnedPolicy(learner.Network, run.Name, training.HeldOutGreedy, (ulong)config.Seed);
        var held = HeldOutCheck.Run(policy, config.TrainSplit, (ulong)config.Seed, training.HeldOutLevels);
        store.AddResult(run.Id, null, "held_out_check", config.TrainSplitName, JsonSerializer.Serialize(held, MesaLabJson.Compact));
        store.UpdateRun(run.Id, RunStatus.Completed, wall);
        return new TrainingOutcome(store.GetRun(run.Id), RunStatus.Completed, learner.Update, learner.GlobalStep, wall, lastCheckpoint, last, held);
    }
}
