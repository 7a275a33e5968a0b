namespace MesaLab.Learning;

using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using MesaLab.Worlds;

/// <summary>How <see cref="PpoThroughput"/> measures: the CleanRL-shaped comparison (2×64 MLP, fully observed 8×8 maze, 8 envs × 128 steps, 4 epochs × 4 minibatches).</summary>
public sealed record PpoThroughputSettings
{
    /// <summary>Updates timed (after 2 warm-up updates).</summary>
    [Range(1, 10_000)]
    public int Updates { get; init; } = 30;

    /// <summary>Torch threads.</summary>
    [Range(1, 1024)]
    public int Threads { get; init; } = 1;
}

/// <summary>Medians over the timed updates.</summary>
public sealed record PpoThroughputResult(string Network, string World, int Envs, int StepsPerRollout, int Epochs, int Minibatches, int Threads, int Updates,
    double MedianStepsPerSecond, double OverallStepsPerSecond, double RolloutStepsPerSecond, double MillisecondsPerMinibatchUpdate, string LoadAverage);

/// <summary>PPO training throughput of the small MLP agent CleanRL measures on Minigrid, for comparison with other tools.</summary>
public static class PpoThroughput
{
    public static PpoThroughputResult Run(PpoThroughputSettings s)
    {
        TorchSetup.SetThreads(s.Threads);
        var world = WorldCatalog.Get("green-arrow-maze");
        var split = world.Split("train", new Dictionary<string, object> { ["min_size"] = 8, ["max_size"] = 8 }, "bench ppo");
        var settings = new PpoSettings { NumEnvs = 8, NumSteps = 128, Epochs = 4, Minibatches = 4, TotalSteps = 8L * 128 * (s.Updates + 2), LearningRate = 2.5e-4 };
        using var learner = new Ppo(split, 1, settings, new NetworkSettings { Kind = "mlp", Hidden = 64 });
        learner.Train();
        learner.Train();
        var sps = new List<double>();
        var rollout = new List<double>();
        var optimize = new List<double>();
        var clock = Stopwatch.StartNew();
        for (int u = 0; u < s.Updates; u++)
        {
            var m = learner.Train();
            sps.Add(m.Sps);
            rollout.Add(settings.BatchSize / learner.RolloutSeconds);
            optimize.Add(learner.OptimizeSeconds * 1000 / (settings.Epochs * settings.Minibatches));
        }
        return new PpoThroughputResult("mlp 2x64", "green-arrow-maze 8x8 (fully observed)", 8, 128, 4, 4, s.Threads, s.Updates,
            Measurements.Median(sps), s.Updates * (double)settings.BatchSize / clock.Elapsed.TotalSeconds, Measurements.Median(rollout),
            Measurements.Median(optimize), Measurements.LoadAverage());
    }
}
