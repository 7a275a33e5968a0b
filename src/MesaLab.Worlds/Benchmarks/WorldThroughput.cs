namespace MesaLab.Worlds;

using System.ComponentModel.DataAnnotations;
using System.Diagnostics;

/// <summary>How <see cref="WorldThroughput"/> measures.</summary>
public sealed record WorldThroughputSettings
{
    /// <summary>Instance steps per repetition.</summary>
    [Range(1000, long.MaxValue)]
    public long Steps { get; init; } = 1_000_000;

    /// <summary>Repetitions per measurement (the median is reported).</summary>
    [Range(1, 100)]
    public int Repetitions { get; init; } = 3;

    /// <summary>Level instances stepped together.</summary>
    [Range(1, 4096)]
    public int Batch { get; init; } = 64;

    /// <summary>Grid sides measured.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [8, 25];

    /// <summary>A repetition ends after this long even if it has not taken all its steps, so slow scripted agents do not hog the machine.</summary>
    public double MaxSecondsPerRepetition { get; init; } = 1.5;
}

/// <summary>One world, grid size and agent: instance steps per second over the repetitions.</summary>
public sealed record WorldThroughputMeasurement(string World, int Size, string Agent, int Batch, long StepsPerRepetition, double MedianStepsPerSecond, double[] StepsPerSecond);

/// <summary>
/// World steps per second on one core with the observation written: every world at each grid size, with the random
/// agent and the shortest-path agent of its base objective.
/// </summary>
public static class WorldThroughput
{
    public static IReadOnlyList<WorldThroughputMeasurement> Run(IEnumerable<World> worlds, WorldThroughputSettings settings, Action<WorldThroughputMeasurement>? measured = null)
    {
        var results = new List<WorldThroughputMeasurement>();
        foreach (var world in worlds)
        foreach (int size in settings.Sizes)
        {
            var split = world.Split("train", SizeOverrides(world, size), "bench");
            foreach (var agentSpec in new[] { "random", AgentSpec.ShortestPathPrefix + world.BaseObjective(split).Name })
            {
                var runs = new double[settings.Repetitions];
                Measure(split, agentSpec, settings with { Steps = Math.Min(settings.Steps, 100_000) }); // warm-up (JIT)
                for (int r = 0; r < runs.Length; r++) runs[r] = Measure(split, agentSpec, settings);
                var m = new WorldThroughputMeasurement(world.Name, size, agentSpec, settings.Batch, settings.Steps, Measurements.Median(runs), runs);
                results.Add(m);
                measured?.Invoke(m);
            }
        }
        return results;
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
    private static double Measure(Split split, string agentSpec, WorldThroughputSettings settings)
    {
        var batch = new WorldBatch(split, settings.Batch, 12345);
        var policy = AgentSpec.Parse(agentSpec, 0, 7, split.World);
        var obs = new float[batch.Count * batch.ObservationSize];
        var moves = new Move[batch.Count];
        batch.Reset(obs);
        long iterations = Math.Max(1, settings.Steps / settings.Batch), done = 0;
        var sw = Stopwatch.StartNew();
        while (done < iterations && sw.Elapsed.TotalSeconds < settings.MaxSecondsPerRepetition)
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
        return done * settings.Batch / sw.Elapsed.TotalSeconds;
    }
}
