namespace MesaLab.Cli;

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MesaLab.Worlds;

/// <summary><c>mesalab bench worlds</c>: world steps per second on one core, observation written, small and large grids, random and scripted agents.</summary>
public static class BenchVerb
{
    public static Command Create()
    {
        var bench = new Command("bench", "measure speed (medians of repetitions; not a test)");
        var worlds = new Command("worlds", "steps per second on one core with the observation written, for each world at a small and a large grid");
        var steps = new Option<long>("--steps") { Description = "instance steps per repetition", DefaultValueFactory = _ => 1_000_000L };
        var reps = new Option<int>("--repetitions") { Description = "repetitions per measurement (the median is reported)", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch") { Description = "level instances stepped together", DefaultValueFactory = _ => 64 };
        var sizes = new Option<int[]>("--sizes") { Description = "grid sides to measure", DefaultValueFactory = _ => [8, 25], AllowMultipleArgumentsPerToken = true };
        var worldName = new Option<string?>("--world") { Description = "measure only this world" };
        foreach (var o in new Option[] { steps, reps, batch, sizes, worldName }) worlds.Options.Add(o);
        worlds.SetAction(parse => Run(parse.GetValue(steps), parse.GetValue(reps), parse.GetValue(batch), parse.GetValue(sizes) ?? [8, 25], parse.GetValue(worldName)));
        bench.Subcommands.Add(worlds);
        LearningBench.AddTo(bench);
        return bench;
    }

    /// <summary>A repetition ends after this long even if it has not taken all its steps.</summary>
    public const double MaxSecondsPerRepetition = 1.5;

    public sealed record Measurement(string World, int Size, string Agent, int Batch, long StepsPerRepetition, double MedianStepsPerSecond, double[] StepsPerSecond);

    private static int Run(long steps, int reps, int batchSize, int[] sizes, string? only)
    {
        if (steps < 1000) throw new UserError($"--steps is {steps}, but it must be at least 1000.");
        if (reps < 1 || reps > 100) throw new UserError($"--repetitions is {reps}, but it must be an integer from 1 to 100.");
        if (batchSize < 1 || batchSize > 4096) throw new UserError($"--batch is {batchSize}, but it must be an integer from 1 to 4096.");
        var worlds = only is null ? WorldCatalog.All : [WorldCatalog.Get(only)];
        var results = new List<Measurement>();
        foreach (var world in worlds)
        foreach (int size in sizes)
        {
            var split = world.Split("train", SizeOverrides(world, size), "bench");
            foreach (var agentSpec in new[] { "random", AgentSpec.ShortestPathPrefix + world.BaseObjective(split).Name })
            {
                var runs = new double[reps];
                Measure(split, agentSpec, batchSize, Math.Min(steps, 100_000)); // warm-up (JIT)
                for (int r = 0; r < reps; r++) runs[r] = Measure(split, agentSpec, batchSize, steps);
                var sorted = runs.Order().ToArray();
                var m = new Measurement(world.Name, size, agentSpec, batchSize, steps, sorted[reps / 2], runs);
                results.Add(m);
                Output.Current.Log($"{world.Name,-20} {size,3}×{size,-3} {agentSpec,-24} {m.MedianStepsPerSecond.ToString("N0", CultureInfo.InvariantCulture),14} steps/s");
            }
        }
        Output.Current.Result(new { cores = 1, observation_written = true, measurements = results }, o =>
        {
            o.WriteLine($"{"world",-20} {"grid",-7} {"agent",-24} {"median steps/s",14}");
            foreach (var m in results)
                o.WriteLine($"{m.World,-20} {m.Size + "×" + m.Size,-7} {m.Agent,-24} {m.MedianStepsPerSecond.ToString("N0", CultureInfo.InvariantCulture),14}");
        });
        return 0;
    }

    /// <summary>Parameters that fix every level of a world's train split to size×size (or as close as the world allows).</summary>
    public static Dictionary<string, object> SizeOverrides(World world, int size)
    {
        var d = new Dictionary<string, object>();
        foreach (var name in new[] { "min_size", "max_size", "min_width", "max_width", "height" })
            if (world.Parameter(name) is not null) d[name] = size;
        return d;
    }

    /// <summary>Instance steps per second of stepping the batch and asking the agent for moves, observation written.</summary>
    private static double Measure(Split split, string agentSpec, int batchSize, long steps)
    {
        var batch = new WorldBatch(split, batchSize, 12345);
        var policy = AgentSpec.Parse(agentSpec, 0, 7, split.World);
        var obs = new float[batch.Count * batch.ObservationSize];
        var moves = new Move[batch.Count];
        batch.Reset(obs);
        long iterations = Math.Max(1, steps / batchSize), done = 0;
        var sw = Stopwatch.StartNew();
        // Stop early after MaxSecondsPerRepetition so slow scripted configurations do not hog the shared CPU.
        while (done < iterations && sw.Elapsed.TotalSeconds < MaxSecondsPerRepetition)
        {
            long chunk = Math.Min(256, iterations - done);
            for (long k = 0; k < chunk; k++)
            {
                policy.Act(batch, obs, moves);
                batch.Step(moves, obs);
            }
            done += chunk;
        }
        sw.Stop();
        return done * batchSize / sw.Elapsed.TotalSeconds;
    }
}
