namespace MesaLab.Learning.Tests;

using System.Runtime.InteropServices;
using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The fused C# passes compute what the torch module computes: the same action probabilities (within 1e-5) and the
/// same PPO gradients (within 1e-4 of the largest) as libtorch's autograd, on trained weights and on both kinds of canvas.
/// </summary>
[Collection("torch")]
public sealed class FusedMazeNetworkTests
{
    public FusedMazeNetworkTests() => TorchSetup.SetThreads(1);

    private static readonly NetworkSettings Net = new() { Channels = 8, Iterations = 5, Hidden = 32 };

    /// <summary>A network with weights far from initialization (a few updates on the reference path, then every weight jittered).</summary>
    private static (ActorCritic Network, WorldBatch Batch, float[] Observations) Trained(Split split, int count, ulong seed)
    {
        var learner = new Ppo(split, seed, TinyWorlds.Fast() with { LearningRate = 0.02 }, Net, fused: false);
        for (int u = 0; u < 3; u++) learner.Train();
        var net = new ActorCritic(Net, learner.Batch.Channels, learner.Batch.CanvasHeight, learner.Batch.CanvasWidth, seed);
        using (no_grad())
            foreach (var ((_, a), (_, b)) in net.named_parameters().Zip(learner.Network.named_parameters()))
            {
                var generator = new Rng(seed + 17);
                var noise = new float[a.NumberOfElements];
                for (int i = 0; i < noise.Length; i++) noise[i] = (float)(generator.NextDouble() - 0.5) * 0.3f;
                a.copy_(b + tensor(noise, a.shape));
            }
        learner.Dispose();
        var batch = new WorldBatch(split, count, seed);
        var obs = new float[count * batch.ObservationSize];
        batch.Reset(obs);
        // Some steps in, so agents stand in varied places.
        var moves = new Move[count];
        var rng = new Rng(seed);
        for (int s = 0; s < 3; s++)
        {
            for (int i = 0; i < count; i++) moves[i] = (Move)rng.Next(4);
            batch.Step(moves, obs);
        }
        return (net, batch, obs);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(6, 1)]
    [InlineData(6, 2)]
    public void GivesTheSameActionProbabilitiesAndValuesAsTheTorchModule(int size, int threads)
    {
        var split = TinyWorlds.Maze.Split("train", new Dictionary<string, object> { ["min_size"] = Math.Min(3, size), ["max_size"] = size });
        var (net, batch, obs) = Trained(split, 40, 5);
        using var _ = net;
        using var fused = new FusedMazeNetwork(net, batch.CanvasHeight, batch.CanvasWidth, threads);
        var logp = new float[40 * 4];
        var values = new float[40];
        fused.Forward(obs, 40, logp, values);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (logits, v, _) = net.Forward(tensor(obs, [40, batch.Channels, batch.CanvasHeight, batch.CanvasWidth]));
        var p = nn.functional.softmax(logits, 1).contiguous().data<float>().ToArray();
        var vr = v.contiguous().data<float>().ToArray();
        double spread = 0;
        for (int i = 0; i < 40 * 4; i++)
        {
            Assert.Equal(p[i], MathF.Exp(logp[i]), 1e-5);
            spread = Math.Max(spread, Math.Abs(p[i] - 0.25));
        }
        for (int i = 0; i < 40; i++) Assert.Equal(vr[i], values[i], 1e-4 * Math.Max(1, Math.Abs(vr[i])));
        Assert.True(spread > 0.05, $"the probabilities are all near uniform (max |p − 0.25| = {spread:F3}); the comparison would prove little");
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public void GivesTheSameGradientAsAutogradOnPposLoss(bool clipValue, int threads)
    {
        var split = TinyWorlds.Maze.Split("train", new Dictionary<string, object> { ["min_size"] = 3, ["max_size"] = 5 });
        const int count = 48;
        var (net, batch, obs) = Trained(split, count, 9);
        using var _ = net;
        var settings = TinyWorlds.Fast() with { ClipValueLoss = clipValue, MaxGradNorm = 1e9, EntCoef = 0.05, VfCoef = 0.7, ClipCoef = 0.1 };
        var rng = new Rng(3);
        var actions = new long[count];
        var oldLogp = new float[count];
        var oldValues = new float[count];
        var adv = new float[count];
        var ret = new float[count];
        using (no_grad())
        using (NewDisposeScope())
        {
            var (logits, v, _) = net.Forward(tensor(obs, [count, batch.Channels, batch.CanvasHeight, batch.CanvasWidth]));
            var lp = nn.functional.log_softmax(logits, 1).data<float>().ToArray();
            var vv = v.data<float>().ToArray();
            for (int i = 0; i < count; i++)
            {
                actions[i] = rng.Next(4);
                // Old log-probabilities and values off by up to ±0.3, so that some ratios and values fall outside the clip range.
                oldLogp[i] = lp[i * 4 + actions[i]] + (float)(rng.NextDouble() - 0.5) * 0.6f;
                oldValues[i] = vv[i] + (float)(rng.NextDouble() - 0.5) * 0.6f;
                adv[i] = (float)(rng.NextDouble() * 2 - 1);
                ret[i] = (float)(rng.NextDouble() * 2 - 1);
            }
        }
        // The minibatch: every other transition, in a shuffled order.
        long[] indices = [.. Enumerable.Range(0, count).Where(i => i % 2 == 0).Select(i => (long)i).Reverse()];

        using var fused = new FusedMazeNetwork(net, batch.CanvasHeight, batch.CanvasWidth, threads);
        var losses = fused.Backward(new FusedMazeNetwork.Minibatch
        {
            Observations = obs, Indices = indices, Actions = actions, OldLogProbs = oldLogp, OldValues = oldValues, Advantages = adv, Returns = ret,
        }, settings);
        var fusedGrads = fused.Gradients.Select(g => g.data<float>().ToArray()).ToArray();

        // The same loss through libtorch's autograd (as Ppo's reference path builds it).
        using var scope = NewDisposeScope();
        net.zero_grad();
        var idx = tensor(indices);
        var x = tensor(obs, [count, batch.Channels, batch.CanvasHeight, batch.CanvasWidth]).index_select(0, idx);
        var (l2, newValue, _) = net.Forward(x);
        var logpAll = nn.functional.log_softmax(l2, 1);
        var newLogp = logpAll.gather(1, tensor(actions).index_select(0, idx).unsqueeze(1)).squeeze(1);
        var entropy = -(logpAll.exp() * logpAll).sum(1).mean();
        var ratio = (newLogp - tensor(oldLogp).index_select(0, idx)).exp();
        var a = tensor(adv).index_select(0, idx);
        a = (a - a.mean()) / (a.std() + 1e-8);
        float clip = (float)settings.ClipCoef;
        var pg = max(-a * ratio, -a * ratio.clamp(1 - clip, 1 + clip)).mean();
        var r = tensor(ret).index_select(0, idx);
        var ov = tensor(oldValues).index_select(0, idx);
        var vl = clipValue
            ? 0.5 * max((newValue - r).square(), (ov + (newValue - ov).clamp(-clip, clip) - r).square()).mean()
            : 0.5 * (newValue - r).square().mean();
        var loss = pg - settings.EntCoef * entropy + settings.VfCoef * vl;
        loss.backward();

        Assert.Equal(pg.item<float>(), losses.Policy, 1e-5);
        Assert.Equal(vl.item<float>(), losses.Value, 1e-5);
        Assert.Equal(entropy.item<float>(), losses.Entropy, 1e-5);
        var names = net.named_parameters().Select(p => p.name).ToArray();
        var reference = net.parameters().Select(p => p.grad!.data<float>().ToArray()).ToArray();
        Assert.Equal(reference.Length, fusedGrads.Length);
        for (int k = 0; k < reference.Length; k++)
        {
            float scale = reference[k].Max(MathF.Abs);
            Assert.True(scale > 1e-6, $"{names[k]} has no gradient; the comparison would prove little");
            for (int i = 0; i < reference[k].Length; i++)
                Assert.True(Math.Abs(reference[k][i] - fusedGrads[k][i]) <= 1e-4 * scale,
                    $"{names[k]}[{i}]: autograd {reference[k][i]}, fused {fusedGrads[k][i]} (largest {scale})");
        }
    }

    [Fact]
    public void ClipsTheGradientToTheGlobalNormAsTorchDoes()
    {
        var split = TinyWorlds.ThreeByThree();
        var (net, batch, obs) = Trained(split, 16, 4);
        using var _ = net;
        using var fused = new FusedMazeNetwork(net, batch.CanvasHeight, batch.CanvasWidth, 1);
        long[] all = [.. Enumerable.Range(0, 16).Select(i => (long)i)];
        var ones = Enumerable.Repeat(1f, 16).ToArray();
        var mb = new FusedMazeNetwork.Minibatch
        {
            Observations = obs, Indices = all, Actions = new long[16], OldLogProbs = new float[16], OldValues = new float[16], Advantages = [.. Enumerable.Range(0, 16).Select(i => (float)i)], Returns = ones,
        };
        fused.Backward(mb, TinyWorlds.Fast() with { MaxGradNorm = 1e9 });
        double free = Math.Sqrt(fused.Gradients.Sum(g => g.data<float>().ToArray().Sum(v => (double)v * v)));
        Assert.True(free > 0.02, $"unclipped norm {free}");
        fused.Backward(mb, TinyWorlds.Fast() with { MaxGradNorm = 0.01 });
        double clipped = Math.Sqrt(fused.Gradients.Sum(g => g.data<float>().ToArray().Sum(v => (double)v * v)));
        Assert.Equal(0.01, clipped, 1e-5);
    }

    [Fact]
    public void PpoTakesTheFusedPathForTheMazeNetworkOnly()
    {
        using (var maze = new Ppo(TinyWorlds.ThreeByThree(), 1, TinyWorlds.Fast(), TinyWorlds.SmallMaze)) Assert.True(maze.UsesFusedPath);
        using (var reference = new Ppo(TinyWorlds.ThreeByThree(), 1, TinyWorlds.Fast(), TinyWorlds.SmallMaze, fused: false)) Assert.False(reference.UsesFusedPath);
        using (var mlp = new Ppo(TinyWorlds.ThreeByThree(), 1, TinyWorlds.Fast(), TinyWorlds.SmallMlp)) Assert.False(mlp.UsesFusedPath);
        using (var gru = new Ppo(TinyWorlds.ThreeByThree(), 1, TinyWorlds.Fast(), TinyWorlds.SmallMaze with { Recurrent = true })) Assert.False(gru.UsesFusedPath);
    }

    [Fact]
    public void TwoThreadsAreDeterministicAndAgreeWithOneThreadToRounding()
    {
        double[][] Run(int threads)
        {
            TorchSetup.SetThreads(threads);
            using var learner = new Ppo(TinyWorlds.ThreeByThree(), 42, TinyWorlds.Fast(), TinyWorlds.SmallMaze);
            Assert.True(learner.UsesFusedPath);
            return [.. Enumerable.Range(0, 3).Select(_ => TinyWorlds.Deterministic(learner.Train()))];
        }
        try
        {
            var a = Run(2);
            var b = Run(2);
            Assert.Equal(a, b);
            var one = Run(1);
            // The first rollout samples from identical probabilities, so its episodes match; losses agree to float rounding.
            Assert.Equal(one[0][..6], a[0][..6]);
            Assert.Equal(one[0][6], a[0][6], 1e-4);
        }
        finally { TorchSetup.SetThreads(1); }
    }
}
