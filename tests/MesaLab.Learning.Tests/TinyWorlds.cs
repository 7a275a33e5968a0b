namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>Small worlds and settings that make learning tests fast.</summary>
internal static class TinyWorlds
{
    public static readonly World Maze = WorldCatalog.Get("green-arrow-maze");

    /// <summary>3×3 perfect mazes with a tight step limit, so a random walk often fails.</summary>
    public static Split ThreeByThree(int maxSteps = 8) =>
        Maze.Split("train", new Dictionary<string, object> { ["min_size"] = 3, ["max_size"] = 3, ["max_steps"] = maxSteps });

    public static PpoSettings Fast(long totalSteps = 4096) => new()
    {
        NumEnvs = 16,
        NumSteps = 16,
        TotalSteps = totalSteps,
        LearningRate = 3e-3,
        Epochs = 3,
        Minibatches = 2,
        Gamma = 0.9,
    };

    public static NetworkSettings SmallMaze => new() { Channels = 8, Iterations = 4, Hidden = 32 };

    public static NetworkSettings SmallMlp => new() { Kind = "mlp", Hidden = 32 };

    /// <summary>A policy that picks uniformly random moves (the "no coherent objective" baseline).</summary>
    public sealed class RandomPolicy(ulong seed) : IPolicy
    {
        private Rng rng = new(seed);
        public string Name => "random";
        public bool NeedsObservations => false;
        public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
        {
            for (int i = 0; i < batch.Count; i++) moves[i] = (Move)rng.Next(4);
        }
    }

    /// <summary>The metrics that must repeat exactly for the same seed and thread count (everything but timing).</summary>
    public static double[] Deterministic(UpdateMetrics m) =>
        [m.Update, m.GlobalStep, m.EpisodicReturn, m.SuccessRate, m.EpisodeLength, m.Episodes, m.PolicyLoss, m.ValueLoss, m.Entropy, m.ApproxKl, m.Clipfrac, m.ExplainedVariance, m.LearningRate];

    /// <summary>
    /// Trains five updates straight, and again as two updates, a checkpoint and three resumed updates; asserts the same
    /// deterministic metrics at every update. <paramref name="make"/> builds the learner with the given settings.
    /// </summary>
    public static void AssertResumeContinues(Func<PpoSettings, Ppo> make)
    {
        var settings = Fast() with { NumEnvs = 8, NumSteps = 12, TotalSteps = 8 * 12 * 6 };
        double[][] straight;
        using (var learner = make(settings))
            straight = [.. Enumerable.Range(0, 5).Select(_ => Deterministic(learner.Train()))];
        var resumed = new List<double[]>();
        string path = Path.Combine(Directory.CreateTempSubdirectory("mesalab-resume-").FullName, "mid.ckpt");
        try
        {
            using (var first = make(settings))
            {
                for (int u = 0; u < 2; u++) resumed.Add(Deterministic(first.Train()));
                Checkpoint.Write(path, first, new CheckpointMeta());
            }
            using (var second = Checkpoint.Read(path).Resume())
                for (int u = 2; u < 5; u++) resumed.Add(Deterministic(second.Train()));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
        for (int u = 0; u < 5; u++) Assert.Equal(straight[u], resumed[u]);
    }
}
