namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Learning;

/// <summary>One seed of the competence benchmark.</summary>
/// <param name="ReachedTarget">Whether held-out success reached the target within the budget and time limit.</param>
public sealed record CompetenceSeed(long Seed, bool ReachedTarget, double SecondsToTarget, long StepsToTarget, double FinalHeldOut, HeldOutResult Deploy, long PeakResidentBytes);

/// <summary>The competence benchmark's figures; medians are null when fewer than half the seeds reached the target.</summary>
public sealed record CompetenceResult(string Experiment, double Target, IReadOnlyList<CompetenceSeed> Seeds, double? MedianSecondsToTarget,
    double? MedianStepsToTarget, double PeakResidentMib, string LoadAverage);

/// <summary>
/// Time to competence (section <c>competence</c>): trains the experiment per seed, checking held-out train-split levels
/// at intervals, until success reaches the target; reports time, steps, memory and what the agent does on deploy.
/// Nothing is stored: this is a benchmark.
/// </summary>
public static class CompetenceJob
{
    public static CompetenceResult Run(ExperimentConfig baseConfig, INarrator narrator, CancellationToken cancel = default)
    {
        var settings = baseConfig.Section<CompetenceSettings>();
        var seeds = new List<CompetenceSeed>();
        for (int k = 0; k < settings.Seeds; k++)
        {
            var config = baseConfig.With([ConfigOverride.Option("seed", (baseConfig.Seed + k).ToString(CultureInfo.InvariantCulture), "competence seed")]);
            TorchSetup.SetThreads(config.Threads);
            var ppo = config.Section<PpoSettings>();
            using var learner = new Ppo(config.TrainSplit, (ulong)config.Seed, ppo, config.Section<NetworkSettings>(), transparency: config.Section<TransparencyTrainingSettings>());
            using var policy = new LearnedPolicy(learner.Network, "bench", seed: (ulong)config.Seed);
            var train = new Stopwatch();
            long checkEvery = Math.Max(1, settings.CheckEverySteps / ppo.BatchSize);
            double held = 0;
            bool reached = false;
            narrator.Stage($"seed {config.Seed}", $"training {config.TrainSplit} with {config.Threads} thread(s), budget {ppo.TotalSteps:N0} steps");
            while (train.Elapsed.TotalSeconds < settings.LimitSeconds)
            {
                cancel.ThrowIfCancellationRequested();
                train.Start();
                var m = learner.Train();
                train.Stop();
                bool last = learner.Finished;
                if (learner.Update % checkEvery != 0 && !last) continue;
                held = HeldOutCheck.Run(policy, config.TrainSplit, (ulong)config.Seed, settings.HeldOutLevels).SuccessRate;
                narrator.Log($"{learner.GlobalStep,9:N0} steps, {train.Elapsed.TotalSeconds,6:F1} s training: rollout success {m.SuccessRate:F3}, held-out success {held:F3}");
                if (held >= settings.Target) { reached = true; break; }
                if (last) break;
            }
            var deploy = HeldOutCheck.Run(policy, config.DeploySplit, (ulong)config.Seed, settings.HeldOutLevels);
            seeds.Add(new CompetenceSeed(config.Seed, reached, train.Elapsed.TotalSeconds, learner.GlobalStep, held, deploy, Measurements.PeakResidentBytes()));
            narrator.Log($"deploy ({config.DeploySplitName}): base-objective success {deploy.SuccessRate:F3}; reached first: {string.Join(", ", deploy.ReachedFirst.Select(kv => $"{kv.Key} {kv.Value:F3}"))}");
        }
        bool majority = seeds.Count(r => r.ReachedTarget) * 2 > seeds.Count;
        double? Med(Func<CompetenceSeed, double> f) => majority ? Measurements.Median(seeds.Select(r => r.ReachedTarget ? f(r) : double.PositiveInfinity)) : null;
        return new CompetenceResult(baseConfig.ToString(), settings.Target, seeds, Med(r => r.SecondsToTarget), Med(r => r.StepsToTarget),
            seeds.Max(r => r.PeakResidentBytes) / (1024.0 * 1024.0), Measurements.LoadAverage());
    }
}
