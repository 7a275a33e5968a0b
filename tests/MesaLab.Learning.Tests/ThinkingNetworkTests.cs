namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>The weight-tied thinking network: it learns, repeats for a seed, runs any number of iterations, and takes input edits by iteration.</summary>
[Collection("torch")]
public class ThinkingNetworkTests
{
    public ThinkingNetworkTests() => TorchSetup.SetThreads(1);

    private static NetworkSettings SmallThinking => new() { Kind = "thinking", Channels = 8, Iterations = 4, Hidden = 32 };

    [Fact]
    public void Thinking_network_learns_tiny_mazes()
    {
        var split = TinyWorlds.ThreeByThree();
        double random = HeldOutCheck.Run(new TinyWorlds.RandomPolicy(5), split, 11, levels: 400).SuccessRate;
        using var learner = new Ppo(split, 3, TinyWorlds.Fast(totalSteps: 16 * 16 * 40), SmallThinking);
        Assert.False(learner.UsesFusedPath);
        while (!learner.Finished) learner.Train();
        using var policy = new LearnedPolicy(learner.Network, "tiny", seed: 9);
        double learned = HeldOutCheck.Run(policy, split, 11, levels: 400).SuccessRate;
        Assert.True(learned > random + 0.3, $"success after training {learned:F3} (random agent {random:F3})");
    }

    [Fact]
    public void Same_seed_gives_identical_metrics()
    {
        double[][] Run(ulong seed)
        {
            using var learner = new Ppo(TinyWorlds.ThreeByThree(), seed, TinyWorlds.Fast(), SmallThinking);
            return [.. Enumerable.Range(0, 2).Select(_ => TinyWorlds.Deterministic(learner.Train()))];
        }
        var a = Run(42);
        Assert.Equal(a, Run(42));
        Assert.NotEqual(a[0], Run(43)[0]);
    }

    [Theory]
    [InlineData("thinking")]
    [InlineData("maze")]
    public void Iteration_scale_runs_the_tied_block_more_or_fewer_times_on_any_canvas(string kind)
    {
        var settings = new NetworkSettings { Kind = kind, Channels = 8, IterationsPerSide = 2, Hidden = 16 };
        using var net = new ActorCritic(settings, TinyWorlds.Maze.Channels.Count, 6, 6, seed: 1);
        var split = TinyWorlds.Maze.Split("train");
        int Steps(int side)
        {
            var names = new HashSet<string>();
            net.Hook = (n, t) => { names.Add(n); return t; };
            using var scope = NewDisposeScope();
            using (no_grad()) net.Forward(Observation(split, side));
            net.Hook = null;
            return names.Count(n => n.StartsWith("body.step."));
        }
        Assert.Equal(12, net.Iterations(6, 6));
        Assert.Equal(12, Steps(6));
        Assert.Equal(20, Steps(10));
        net.IterationScale = 2.5;
        Assert.Equal(30, net.Iterations(6, 6));
        Assert.Equal(30, Steps(6));
        net.IterationScale = 0.5;
        Assert.Equal(10, Steps(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.IterationScale = 0);
    }

    [Theory]
    [InlineData("thinking")]
    [InlineData("maze")]
    public void An_input_edit_from_iteration_zero_is_the_edited_observation_and_from_K_is_no_edit(string kind)
    {
        var settings = new NetworkSettings { Kind = kind, Channels = 8, Iterations = 6, Hidden = 16 };
        using var net = new ActorCritic(settings, TinyWorlds.Maze.Channels.Count, 7, 7, seed: 2);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = Observation(TinyWorlds.Maze.Split("deploy", new Dictionary<string, object> { ["min_size"] = 7, ["max_size"] = 7 }), 7);
        // The edit moves every object channel one row down (walls and agent stay).
        Tensor Edited(Tensor o) => cat([o.narrow(1, 0, World.CommonChannels.Count), o.narrow(1, World.CommonChannels.Count, o.shape[1] - World.CommonChannels.Count).roll(1, 2)], 1);
        var plain = net.Forward(x).Logits;
        var onEdited = net.Forward(Edited(x)).Logits;
        Assert.True((plain - onEdited).abs().max().item<float>() > 1e-4, "the edit must change the output for the test to mean anything");

        net.InputEdit = new IterationInputEdit(0, Edited);
        var fromZero = net.Forward(x).Logits;
        net.InputEdit = new IterationInputEdit(6, Edited);
        var fromK = net.Forward(x).Logits;
        net.InputEdit = new IterationInputEdit(3, Edited);
        var midway = net.Forward(x).Logits;
        net.InputEdit = null;

        Assert.True(fromZero.allclose(onEdited, rtol: 0, atol: 1e-6));
        Assert.True(fromK.allclose(plain, rtol: 0, atol: 1e-6));
        Assert.False(midway.allclose(plain, rtol: 0, atol: 1e-6) && midway.allclose(onEdited, rtol: 0, atol: 1e-6));
    }

    /// <summary>Observations of the first three levels of the split at their starts, on a side × side canvas.</summary>
    private static Tensor Observation(Split split, int side)
    {
        var generator = split.World.CreateGenerator(split);
        var batch = new WorldBatch(split, 3, 0, new BatchOptions { AutoReset = false, CanvasWidth = side, CanvasHeight = side });
        var obs = new float[3 * batch.ObservationSize];
        for (int i = 0; i < 3; i++) batch.ResetInstance(i, generator.Generate(1, i), obs);
        return tensor(obs, [3, batch.Channels, side, side]);
    }
}
