namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>Every network kind is a pure function of its settings and seed, and an IMPALA checkpoint runs on any canvas.</summary>
[Collection("torch")]
public sealed class NetworkInitializationTests
{
    public NetworkInitializationTests() => TorchSetup.SetThreads(1);

    private static float[] Weights(ActorCritic net) => [.. net.parameters().SelectMany(p => p.data<float>().ToArray())];

    [Theory]
    [InlineData("maze", false)]
    [InlineData("maze", true)]
    [InlineData("mlp", false)]
    [InlineData("impala", false)]
    public void TheSameSeedGivesTheSameWeightsWhateverTorchsGlobalGeneratorDoes(string kind, bool recurrent)
    {
        var settings = new NetworkSettings { Kind = kind, Recurrent = recurrent, Channels = 8, Hidden = 16, CoreSize = 8 };
        manual_seed(1);
        using var a = new ActorCritic(settings, 8, 5, 5, seed: 3);
        manual_seed(999);
        _ = rand(100);
        using var b = new ActorCritic(settings, 8, 5, 5, seed: 3);
        using var c = new ActorCritic(settings, 8, 5, 5, seed: 4);
        Assert.Equal(Weights(a), Weights(b));
        Assert.NotEqual(Weights(a), Weights(c));
        // Every parameter that is drawn at all (CleanRL's zero biases are not) differs between seeds.
        foreach (var ((name, p), (_, q)) in a.named_parameters().Zip(c.named_parameters()))
        {
            var x = p.data<float>().ToArray();
            if (x.All(v => v == 0)) continue;
            Assert.False(x.SequenceEqual(q.data<float>().ToArray()), $"{name} is the same for seeds 3 and 4");
        }
    }

    [Fact]
    public void OrthogonalInitializationGivesOrthonormalRowsTimesTheGain()
    {
        using var layer = nn.Linear(12, 5);
        var rng = new Rng(7);
        ParameterInit.Orthogonal(layer, 2.0, ref rng);
        var w = layer.weight!.data<float>().ToArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                double dot = 0;
                for (int k = 0; k < 12; k++) dot += w[i * 12 + k] * w[j * 12 + k];
                Assert.Equal(i == j ? 4.0 : 0.0, dot, 4);
            }
    }

    [Fact]
    public void AnImpalaCheckpointRunsOnEveryCanvas()
    {
        var split = TinyWorlds.ThreeByThree();
        using var learner = new Ppo(split, 3, TinyWorlds.Fast(), new NetworkSettings { Kind = "impala" });
        Assert.False(learner.UsesFusedPath);
        learner.Train();
        var path = Path.Combine(Path.GetTempPath(), $"mesalab-impala-{Guid.NewGuid():N}.ckpt");
        try
        {
            Checkpoint.Write(path, learner, new CheckpointMeta());
            using var policy = LearnedPolicy.Load(path);
            foreach (int size in new[] { 3, 7, 12 })
            {
                var big = TinyWorlds.Maze.Split("deploy", new Dictionary<string, object> { ["min_size"] = size, ["max_size"] = size });
                var batch = new WorldBatch(big, 2, 1);
                var obs = new float[2 * batch.ObservationSize];
                batch.Reset(obs);
                var (p, _) = policy.Evaluate(obs, 2, batch.Channels, size, size);
                for (int i = 0; i < 2; i++) Assert.Equal(1.0, p.Skip(4 * i).Take(4).Sum(), 4);
                Assert.Equal(4, HeldOutCheck.Run(policy, big, 1, levels: 4, instances: 4).Levels);
            }
        }
        finally { File.Delete(path); }
    }
}
