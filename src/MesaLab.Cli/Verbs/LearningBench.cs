namespace MesaLab.Cli;

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MesaLab.Learning;
using MesaLab.Learning.Benchmarks;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;

/// <summary>
/// <c>mesalab bench ppo</c> (training throughput of the CleanRL-shaped MLP agent), <c>mesalab bench train</c> (training
/// throughput of an experiment's own network and PPO settings) and <c>mesalab bench competence</c>
/// (time and steps until the default agent reaches 95% on held-out train-split levels, and what it does on deploy).
/// </summary>
public static class LearningBench
{
    /// <summary>A <c>bench</c> verb holding only the learning benchmarks (when no other layer made one).</summary>
    public static Command Create()
    {
        var bench = new Command("bench", "measure speed (medians of repetitions; not a test)");
        AddTo(bench);
        return bench;
    }

    /// <summary>Adds <c>ppo</c>, <c>train</c> and <c>competence</c> to an existing <c>bench</c> verb.</summary>
    public static void AddTo(Command bench)
    {
        var train = new Command("train", "training throughput of an experiment's own network and PPO settings (default: the built-in experiment): env steps/s in total, rollout alone and update alone, per thread count");
        var trainConfig = new Argument<string?>("CONFIG") { Description = "experiment file (default: the embedded defaults)", Arity = ArgumentArity.ZeroOrOne };
        var defaults = new TrainingThroughputSettings();
        var tUpdates = new Option<int>("--updates") { Description = "timed updates per thread count (medians are over these)", DefaultValueFactory = _ => defaults.Updates };
        var tWarmup = new Option<int>("--warmup") { Description = "untimed updates first", DefaultValueFactory = _ => defaults.WarmupUpdates };
        var tThreads = new Option<int[]>("--threads") { Description = "thread counts to measure", DefaultValueFactory = _ => [.. defaults.Threads], AllowMultipleArgumentsPerToken = true };
        var tReference = new Option<bool>("--reference") { Description = "use libtorch's autograd even where the fused C# passes apply (the reference implementation)" };
        var tSet = new Option<string[]>("--set") { Description = "override any config field: --set network.kind=impala (repeatable)" };
        train.Arguments.Add(trainConfig);
        foreach (var o in new Option[] { tUpdates, tWarmup, tThreads, tReference, tSet }) train.Options.Add(o);
        train.SetAction(p => TrainThroughput(p.GetValue(trainConfig), p.GetValue(tSet) ?? [], new TrainingThroughputSettings
        {
            Updates = p.GetValue(tUpdates),
            WarmupUpdates = p.GetValue(tWarmup),
            Threads = p.GetValue(tThreads) ?? [],
            Reference = p.GetValue(tReference),
        }));
        bench.Subcommands.Add(train);

        var ppo = new Command("ppo", "PPO training throughput: 2×64 MLP, fully observed 8×8 maze, 8 envs × 128 steps, 4 epochs × 4 minibatches");
        var updates = new Option<int>("--updates") { Description = "updates to time (after 2 warm-up updates)", DefaultValueFactory = _ => 30 };
        var threads = new Option<int>("--threads") { Description = "torch threads", DefaultValueFactory = _ => 1 };
        ppo.Options.Add(updates);
        ppo.Options.Add(threads);
        ppo.SetAction(p => Throughput(p.GetValue(updates), p.GetValue(threads)));
        bench.Subcommands.Add(ppo);

        var comp = new Command("competence", "train the default experiment per seed until 95% success on 1,000 held-out train-split levels; report time, steps, memory and the deploy outcome");
        var seeds = new Option<int>("--seeds") { Description = "seeds to train (the median is reported)", DefaultValueFactory = _ => 3 };
        var cthreads = new Option<int?>("--threads") { Description = "torch threads (default: the experiment's)" };
        var limit = new Option<double>("--limit-seconds") { Description = "give up on a seed after this much training time", DefaultValueFactory = _ => 300.0 };
        var config = new Argument<string?>("CONFIG") { Description = "experiment file (default: the embedded defaults)", Arity = ArgumentArity.ZeroOrOne };
        comp.Arguments.Add(config);
        foreach (var o in new Option[] { seeds, cthreads, limit }) comp.Options.Add(o);
        comp.SetAction(p => Competence(p.GetValue(config), p.GetValue(seeds), p.GetValue(cthreads), p.GetValue(limit)));
        bench.Subcommands.Add(comp);
    }

    private static int Throughput(int updates, int threads)
    {
        if (updates is < 1 or > 10_000) throw new UserError($"--updates is {updates}, but it must be an integer from 1 to 10000.");
        if (threads < 1) throw new UserError($"--threads is {threads}, but it must be at least 1.");
        TorchSetup.SetThreads(threads);
        var world = WorldCatalog.Get("green-arrow-maze");
        var split = world.Split("train", new Dictionary<string, object> { ["min_size"] = 8, ["max_size"] = 8 }, "bench ppo");
        var settings = new PpoSettings { NumEnvs = 8, NumSteps = 128, Epochs = 4, Minibatches = 4, TotalSteps = 8L * 128 * (updates + 2), LearningRate = 2.5e-4 };
        using var learner = new Ppo(split, 1, settings, new NetworkSettings { Kind = "mlp", Hidden = 64 });
        learner.Train();
        learner.Train();
        var sps = new List<double>();
        var rollout = new List<double>();
        var optimize = new List<double>();
        var clock = Stopwatch.StartNew();
        for (int u = 0; u < updates; u++)
        {
            var m = learner.Train();
            sps.Add(m.Sps);
            rollout.Add(settings.BatchSize / learner.RolloutSeconds);
            optimize.Add(learner.OptimizeSeconds * 1000 / (settings.Epochs * settings.Minibatches));
        }
        double overall = updates * (double)settings.BatchSize / clock.Elapsed.TotalSeconds;
        double median = Median(sps);
        var doc = new
        {
            network = "mlp 2x64", world = "green-arrow-maze 8x8 (fully observed)", envs = 8, steps_per_rollout = 128, epochs = 4, minibatches = 4, threads,
            updates, median_steps_per_second = median, overall_steps_per_second = overall,
            rollout_steps_per_second = Median(rollout), milliseconds_per_minibatch_update = Median(optimize),
            bar_steps_per_second = 25_000, cleanrl_minigrid_steps_per_second = "2500-3300", ratio_to_cleanrl = median / 3300,
            load_average = LoadAverage(),
        };
        Output.Current.Result(doc, o =>
        {
            o.WriteLine($"PPO, 2×64 MLP, 8×8 maze, 8 envs × 128 steps, 4 epochs × 4 minibatches, {threads} thread(s): {median.ToString("N0", CultureInfo.InvariantCulture)} env steps/s (median of {updates} updates; {overall.ToString("N0", CultureInfo.InvariantCulture)} overall)");
            o.WriteLine($"  rollout alone {Median(rollout).ToString("N0", CultureInfo.InvariantCulture)} steps/s; one 256-sample minibatch update {Median(optimize):F2} ms; bar 25,000; CleanRL on Minigrid 2,500–3,300 (×{median / 3300:F1})");
            o.WriteLine($"  load average {LoadAverage()} (other processes share these cores)");
        });
        return 0;
    }

    private static int TrainThroughput(string? configPath, string[] sets, TrainingThroughputSettings settings)
    {
        settings.Validate();
        var config = ExperimentConfig.Load(configPath, [.. sets.Select(ConfigOverride.Parse)]);
        var ppo = config.Section<PpoSettings>("ppo");
        var network = config.Section<NetworkSettings>("network");
        string load = LoadAverage();
        var result = TrainingThroughput.Measure(config.TrainSplit, (ulong)config.Seed, ppo, network, settings, Output.Current.Log);
        string loadAfter = LoadAverage();
        var doc = new
        {
            experiment = config.ToString(),
            network = result.Network,
            path = result.Path,
            canvas = result.Canvas,
            iterations = result.Iterations,
            batch_size = result.BatchSize,
            updates = settings.Updates,
            median_steps_per_second = result.MedianStepsPerSecond,
            by_threads = result.ByThreads.Select(t => new
            {
                threads = t.Threads,
                median_steps_per_second = t.MedianStepsPerSecond,
                rollout_steps_per_second = t.RolloutStepsPerSecond,
                update_steps_per_second = t.UpdateStepsPerSecond,
                rollout_share = t.RolloutShare,
                cpu_steps_per_second = t.CpuStepsPerSecond,
            }),
            load_average_before = load,
            load_average_after = loadAfter,
        };
        Output.Current.Result(doc, o =>
        {
            o.WriteLine($"{config}: {result.Network} network on a {result.Canvas}×{result.Canvas} canvas{(result.Iterations > 0 ? $", K = {result.Iterations}" : "")}, {result.BatchSize} transitions per update, {result.Path}");
            foreach (var t in result.ByThreads)
                o.WriteLine($"  {t.Threads} thread(s): {t.MedianStepsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} env steps/s (median of {settings.Updates} updates); rollout alone {t.RolloutStepsPerSecond.ToString("N0", CultureInfo.InvariantCulture)}, update alone {t.UpdateStepsPerSecond.ToString("N0", CultureInfo.InvariantCulture)}; rollout {t.RolloutShare:P0} of the time; {t.CpuStepsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} env steps per CPU-second");
            o.WriteLine($"  load average {load} before, {loadAfter} after (other processes share these cores)");
        });
        return 0;
    }

    private sealed record SeedResult(long Seed, bool Reached95, double SecondsTo95, long StepsTo95, double FinalHeldOut, HeldOutResult Deploy, long PeakResidentBytes);

    private static int Competence(string? configPath, int seeds, int? threads, double limitSeconds)
    {
        if (seeds is < 1 or > 20) throw new UserError($"--seeds is {seeds}, but it must be an integer from 1 to 20.");
        var baseConfig = ExperimentConfig.Load(configPath);
        var results = new List<SeedResult>();
        for (int k = 0; k < seeds; k++)
        {
            var config = baseConfig.With([ConfigOverride.Option("seed", (baseConfig.Seed + k).ToString(CultureInfo.InvariantCulture), "bench competence")]);
            int th = threads ?? config.Threads;
            TorchSetup.SetThreads(th);
            var ppo = config.Section<PpoSettings>("ppo");
            var network = config.Section<NetworkSettings>("network");
            using var learner = new Ppo(config.TrainSplit, (ulong)config.Seed, ppo, network);
            using var policy = new LearnedPolicy(learner.Network, "bench", seed: (ulong)config.Seed);
            var train = Stopwatch.StartNew();
            train.Stop();
            long checkEvery = Math.Max(1, 25_000 / ppo.BatchSize);
            double held = 0;
            bool reached = false;
            Output.Current.Log($"seed {config.Seed}: training {config.TrainSplit} with {th} thread(s), budget {ppo.TotalSteps:N0} steps");
            while (train.Elapsed.TotalSeconds < limitSeconds)
            {
                train.Start();
                var m = learner.Train();
                train.Stop();
                bool last = learner.Finished;
                if (learner.Update % checkEvery != 0 && !last) continue;
                held = HeldOutCheck.Run(policy, config.TrainSplit, (ulong)config.Seed, 1000).SuccessRate;
                Output.Current.Log($"  {learner.GlobalStep,9:N0} steps, {train.Elapsed.TotalSeconds,6:F1} s training: rollout success {m.SuccessRate:F3}, held-out success {held:F3}");
                if (held >= 0.95) { reached = true; break; }
                if (last) break;
            }
            var deploy = HeldOutCheck.Run(policy, config.DeploySplit, (ulong)config.Seed, 1000);
            var r = new SeedResult(config.Seed, reached, train.Elapsed.TotalSeconds, learner.GlobalStep, held, deploy, PeakResident());
            results.Add(r);
            Output.Current.Log($"  deploy ({config.DeploySplitName}): base-objective success {deploy.SuccessRate:F3}; reached first: {string.Join(", ", deploy.ReachedFirst.Select(kv => $"{kv.Key} {kv.Value:F3}"))}");
        }
        double medianSeconds = results.Count(r => r.Reached95) * 2 > results.Count ? Median(results.Select(r => r.Reached95 ? r.SecondsTo95 : double.PositiveInfinity).ToList()) : double.PositiveInfinity;
        var doc = new
        {
            experiment = baseConfig.ToString(),
            seeds = results,
            // null when fewer than half the seeds reached 95 % (the median is then "not reached").
            median_seconds_to_95 = double.IsFinite(medianSeconds) ? medianSeconds : (double?)null,
            median_steps_to_95 = Median(results.Select(r => r.Reached95 ? r.StepsTo95 : double.PositiveInfinity).ToList()) is var steps && double.IsFinite(steps) ? steps : (double?)null,
            within_5_minutes = medianSeconds <= 300,
            peak_resident_mib = results.Max(r => r.PeakResidentBytes) / (1024.0 * 1024.0),
            load_average = LoadAverage(),
        };
        Output.Current.Result(doc, o =>
        {
            foreach (var r in results)
                o.WriteLine($"seed {r.Seed}: {(r.Reached95 ? $"95% after {r.StepsTo95:N0} steps, {r.SecondsTo95:F0} s" : $"not 95% within budget/limit (held-out {r.FinalHeldOut:F3})")}; deploy exit {r.Deploy.SuccessRate:F3}, first reached {string.Join(", ", r.Deploy.ReachedFirst.Select(kv => $"{kv.Key} {kv.Value:F2}"))}");
            o.WriteLine($"median time to 95%: {(double.IsFinite(medianSeconds) ? $"{medianSeconds:F0} s" : "not reached")}; peak resident memory {results.Max(r => r.PeakResidentBytes) / (1024.0 * 1024.0):F0} MiB; load average {LoadAverage()}");
        });
        return 0;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    /// <summary>Peak resident set size of this process (VmHWM), in bytes.</summary>
    public static long PeakResident()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        return 0;
    }
}
