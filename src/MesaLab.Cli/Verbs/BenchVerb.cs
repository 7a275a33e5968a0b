namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Experiments;
using MesaLab.Learning;
using MesaLab.Worlds;

/// <summary>
/// <c>mesalab bench worlds|ppo|train|competence</c>: world steps per second, PPO throughput of the CleanRL-shaped agent,
/// training throughput of an experiment's own network, and time to competence of an experiment — medians of repetitions,
/// with the machine's load; benchmarks, not tests.
/// </summary>
public static class BenchVerb
{
    public static Command Create(CliContext cli)
    {
        var bench = new Command("bench", "measure speed (medians of repetitions, with the machine's load average; not a test)");
        bench.Subcommands.Add(Worlds(cli));
        bench.Subcommands.Add(Ppo(cli));
        bench.Subcommands.Add(Train(cli));
        bench.Subcommands.Add(Competence(cli));
        return bench;
    }

    private static Command Worlds(CliContext cli)
    {
        var defaults = new WorldThroughputSettings();
        var cmd = new Command("worlds", "steps per second on one core with the observation written, for each world at a small and a large grid");
        var steps = new Option<long>("--steps") { Description = "instance steps per repetition", DefaultValueFactory = _ => defaults.Steps };
        var reps = new Option<int>("--repetitions") { Description = "repetitions per measurement (the median is reported)", DefaultValueFactory = _ => defaults.Repetitions };
        var batch = new Option<int>("--batch") { Description = "level instances stepped together", DefaultValueFactory = _ => defaults.Batch };
        var sizes = new Option<int[]>("--sizes") { Description = "grid sides to measure", DefaultValueFactory = _ => [.. defaults.Sizes], AllowMultipleArgumentsPerToken = true };
        var world = new Option<string?>("--world") { Description = "measure only this world" };
        foreach (var o in new Option[] { steps, reps, batch, sizes, world }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var settings = new WorldThroughputSettings { Steps = p.GetValue(steps), Repetitions = p.GetValue(reps), Batch = p.GetValue(batch), Sizes = p.GetValue(sizes) ?? [.. defaults.Sizes] };
            Ranges.Check(settings, name => "--" + ConfigBinder.SnakeCase(name).Replace('_', '-'));
            if (settings.Sizes.Any(s => s < 2 || s > 256)) throw new UserError($"--sizes are {string.Join(" ", settings.Sizes)}, but each must be from 2 to 256.");
            var worlds = p.GetValue(world) is { } name ? [WorldCatalog.Get(name)] : WorldCatalog.All;
            var results = WorldThroughput.Run(worlds, settings, m =>
                cli.Output.Log($"{m.World,-20} {m.Size,3}×{m.Size,-3} {m.Agent,-24} {m.MedianStepsPerSecond.ToString("N0", CultureInfo.InvariantCulture),14} steps/s"));
            cli.Output.Result(new { cores = 1, observation_written = true, load_average = Measurements.LoadAverage(), measurements = results }, o =>
            {
                o.WriteLine($"{"world",-20} {"grid",-7} {"agent",-24} {"median steps/s",14}");
                foreach (var m in results)
                    o.WriteLine($"{m.World,-20} {m.Size + "×" + m.Size,-7} {m.Agent,-24} {m.MedianStepsPerSecond.ToString("N0", CultureInfo.InvariantCulture),14}");
                o.WriteLine($"load average {Measurements.LoadAverage()}");
            });
            return 0;
        });
        return cmd;
    }

    private static Command Ppo(CliContext cli)
    {
        var defaults = new PpoThroughputSettings();
        var cmd = new Command("ppo", "PPO training throughput of CleanRL's agent shape: 2×64 MLP, fully observed 8×8 maze, 8 envs × 128 steps, 4 epochs × 4 minibatches");
        var updates = new Option<int>("--updates") { Description = "updates to time (after 2 warm-up updates)", DefaultValueFactory = _ => defaults.Updates };
        var threads = new Option<int>("--threads") { Description = "torch threads", DefaultValueFactory = _ => defaults.Threads };
        cmd.Options.Add(updates);
        cmd.Options.Add(threads);
        cmd.SetAction(p =>
        {
            var settings = new PpoThroughputSettings { Updates = p.GetValue(updates), Threads = p.GetValue(threads) };
            Ranges.Check(settings, name => "--" + ConfigBinder.SnakeCase(name).Replace('_', '-'));
            var r = PpoThroughput.Run(settings);
            cli.Output.Result(r, o =>
            {
                var inv = CultureInfo.InvariantCulture;
                o.WriteLine($"PPO, 2×64 MLP, 8×8 maze, 8 envs × 128 steps, 4 epochs × 4 minibatches, {r.Threads} thread(s): {r.MedianStepsPerSecond.ToString("N0", inv)} env steps/s (median of {r.Updates} updates; {r.OverallStepsPerSecond.ToString("N0", inv)} overall)");
                o.WriteLine($"  rollout alone {r.RolloutStepsPerSecond.ToString("N0", inv)} steps/s; one 256-sample minibatch update {r.MillisecondsPerMinibatchUpdate:F2} ms; load average {r.LoadAverage}");
            });
            return 0;
        });
        return cmd;
    }

    private static Command Train(CliContext cli)
    {
        var defaults = new TrainingThroughputSettings();
        var cmd = new Command("train", "training throughput of an experiment's own network and PPO settings: env steps/s in total, rollout alone and update alone, per thread count");
        var config = CommonOptions.ConfigFile();
        var updates = new Option<int>("--updates") { Description = "timed updates per thread count (medians are over these)", DefaultValueFactory = _ => defaults.Updates };
        var warmup = new Option<int>("--warmup") { Description = "untimed updates first", DefaultValueFactory = _ => defaults.Warmup };
        var threads = new Option<int[]>("--threads") { Description = "thread counts to measure", DefaultValueFactory = _ => [.. defaults.Threads], AllowMultipleArgumentsPerToken = true };
        var reference = new Option<bool>("--reference") { Description = "use libtorch's autograd even where the fused C# passes apply (the reference implementation)" };
        cmd.Arguments.Add(config);
        foreach (var o in new Option[] { updates, warmup, threads, reference, CommonOptions.Set }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var settings = new TrainingThroughputSettings { Updates = p.GetValue(updates), Warmup = p.GetValue(warmup), Threads = p.GetValue(threads) ?? [], Reference = p.GetValue(reference) };
            settings.Validate();
            var experiment = ExperimentConfig.Load(p.GetValue(config), CommonOptions.Sets(p));
            var r = TrainingThroughput.Measure(experiment.TrainSplit, (ulong)experiment.Seed, experiment.Section<PpoSettings>(), experiment.Section<NetworkSettings>(), settings, cli.Output.Log);
            cli.Output.Result(r, o =>
            {
                var inv = CultureInfo.InvariantCulture;
                o.WriteLine($"{experiment}: {r.Network} network on a {r.Canvas}×{r.Canvas} canvas{(r.Iterations > 0 ? $", K = {r.Iterations}" : "")}, {r.BatchSize} transitions per update, {r.Path}");
                foreach (var t in r.ByThreads)
                    o.WriteLine($"  {t.Threads} thread(s): {t.MedianStepsPerSecond.ToString("N0", inv)} env steps/s (median of {settings.Updates} updates); rollout alone {t.RolloutStepsPerSecond.ToString("N0", inv)}, update alone {t.UpdateStepsPerSecond.ToString("N0", inv)}; {t.CpuStepsPerSecond.ToString("N0", inv)} per CPU-second");
                o.WriteLine($"  load average {r.LoadAverageBefore} before, {r.LoadAverageAfter} after (other processes share these cores)");
            });
            return 0;
        });
        return cmd;
    }

    private static readonly ConfigAlias[] CompetenceAliases = [ConfigAliases.Seed, ConfigAliases.Threads, ConfigAliases.CompetenceSeeds, ConfigAliases.LimitSeconds];

    private static Command Competence(CliContext cli)
    {
        var cmd = new Command("competence", "train an experiment per seed until it succeeds on held-out train-split levels (competence.target); report time, steps, memory and the deploy outcome");
        var config = CommonOptions.ConfigFile();
        cmd.Arguments.Add(config);
        ConfigAliases.AddTo(cmd, CompetenceAliases);
        cmd.Options.Add(CommonOptions.Set);
        cmd.SetAction(p =>
        {
            var experiment = ExperimentConfig.Load(p.GetValue(config), ConfigAliases.Overrides(p, CompetenceAliases));
            var narrator = cli.Output.Narrator();
            var r = CompetenceJob.Run(experiment, narrator, cli.Cancel);
            narrator.EndLine();
            cli.Output.Result(r, o =>
            {
                foreach (var s in r.Seeds)
                    o.WriteLine($"seed {s.Seed}: {(s.ReachedTarget ? $"{r.Target:P0} after {s.StepsToTarget:N0} steps, {s.SecondsToTarget:F0} s" : $"not {r.Target:P0} within budget/limit (held-out {s.FinalHeldOut:F3})")}; deploy base-objective success {s.Deploy.SuccessRate:F3}, first reached {string.Join(", ", s.Deploy.ReachedFirst.Select(kv => $"{kv.Key} {kv.Value:F2}"))}");
                o.WriteLine($"median time to {r.Target:P0}: {(r.MedianSecondsToTarget is { } t ? $"{t:F0} s, {r.MedianStepsToTarget:N0} steps" : "not reached")}; peak resident memory {r.PeakResidentMib:F0} MiB; load average {r.LoadAverage}");
            });
            return 0;
        });
        return cmd;
    }
}
