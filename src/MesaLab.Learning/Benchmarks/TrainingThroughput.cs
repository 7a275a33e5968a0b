namespace MesaLab.Learning;

using MesaLab.Worlds;

/// <summary>
/// Env steps per second of one thread count: the whole update, the rollout alone and the optimisation alone (medians of
/// wall-clock rates), and env steps per CPU-second of the process (less sensitive to other processes' load than wall time).
/// </summary>
public sealed record ThroughputAtThreads(
    int Threads,
    double MedianStepsPerSecond,
    double RolloutStepsPerSecond,
    double UpdateStepsPerSecond,
    double RolloutShare,
    double CpuStepsPerSecond,
    double[] StepsPerSecond);

/// <summary>What <see cref="TrainingThroughput.Measure"/> found for one experiment.</summary>
public sealed record TrainingThroughputResult(
    string Network,
    string Path,
    int Canvas,
    int Iterations,
    int BatchSize,
    IReadOnlyList<ThroughputAtThreads> ByThreads,
    string LoadAverageBefore,
    string LoadAverageAfter)
{
    /// <summary>The total env steps/s at the largest thread count measured.</summary>
    public double MedianStepsPerSecond => ByThreads.MaxBy(t => t.Threads)!.MedianStepsPerSecond;
}

/// <summary>
/// Training throughput of an experiment's own network and PPO settings: per thread count, a fresh learner runs the
/// warm-up updates, then the timed ones; each update is timed as a whole and split into rollout (collection and
/// advantages) and optimisation. Reports medians over updates, never a single timing.
/// </summary>
public static class TrainingThroughput
{
    public static TrainingThroughputResult Measure(Split split, ulong seed, PpoSettings ppo, NetworkSettings network,
        TrainingThroughputSettings settings, Action<string>? progress = null)
    {
        settings.Validate();
        string loadBefore = Measurements.LoadAverage();
        var rows = new List<ThroughputAtThreads>();
        string path = "";
        int canvas = 0, iterations = 0;
        foreach (int threads in settings.Threads)
        {
            TorchSetup.SetThreads(threads);
            var budget = ppo with { TotalSteps = (long)ppo.BatchSize * (settings.Warmup + settings.Updates) };
            using var learner = new Ppo(split, seed, budget, network, fused: !settings.Reference);
            path = learner.UsesFusedPath ? "fused C# forward and backward" : "libtorch autograd";
            canvas = Math.Max(learner.Batch.CanvasHeight, learner.Batch.CanvasWidth);
            iterations = network.Kind == "maze" ? network.IterationsFor(learner.Batch.CanvasHeight, learner.Batch.CanvasWidth) : 0;
            for (int u = 0; u < settings.Warmup; u++) learner.Train();
            var total = new double[settings.Updates];
            var rollout = new double[settings.Updates];
            var update = new double[settings.Updates];
            var share = new double[settings.Updates];
            var cpu = new double[settings.Updates];
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            for (int u = 0; u < settings.Updates; u++)
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                learner.Train();
                process.Refresh();
                cpu[u] = ppo.BatchSize / Math.Max((process.TotalProcessorTime - cpuBefore).TotalSeconds, 1e-9);
                double r = learner.RolloutSeconds, o = learner.OptimizeSeconds;
                total[u] = ppo.BatchSize / Math.Max(r + o, 1e-9);
                rollout[u] = ppo.BatchSize / Math.Max(r, 1e-9);
                update[u] = ppo.BatchSize / Math.Max(o, 1e-9);
                share[u] = r / Math.Max(r + o, 1e-9);
            }
            var row = new ThroughputAtThreads(threads, Measurements.Median(total), Measurements.Median(rollout), Measurements.Median(update), Measurements.Median(share), Measurements.Median(cpu), total);
            rows.Add(row);
            progress?.Invoke($"{threads} thread(s): {row.MedianStepsPerSecond:N0} env steps/s (rollout alone {row.RolloutStepsPerSecond:N0}, update alone {row.UpdateStepsPerSecond:N0}; {row.CpuStepsPerSecond:N0} per CPU-second)");
        }
        return new TrainingThroughputResult(network.Kind, path, canvas, iterations, ppo.BatchSize, rows, loadBefore, Measurements.LoadAverage());
    }
}
