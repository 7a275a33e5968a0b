namespace MesaLab.Learning.Tests;

using MesaLab.Tests;
using MesaLab.Worlds;

/// <summary>PPO learns, computes advantages correctly, and is deterministic for a seed and thread count.</summary>
[Collection("torch")]
public class PpoTests
{
    public PpoTests() => TorchSetup.SetThreads(1);

    [Fact]
    public void GaeMatchesAHandComputedCase()
    {
        // Two instances, three steps, time-major. Instance 0's episode ends after step 1; instance 1 runs on.
        float[] rewards = [0, 0, 1, 0, 0, 1];
        float[] values = [0.5f, 0.2f, 0.6f, 0.3f, 0.1f, 0.4f];
        float[] dones = [0, 0, 1, 0, 0, 0];
        float[] next = [0.7f, 0.9f];
        float g = 0.9f, l = 0.8f;
        var adv = new float[6];
        Ppo.Gae(rewards, values, dones, next, 2, g, l, adv);

        // Instance 0: t=2 bootstraps from next[0]; t=1 ends the episode (no bootstrap); t=0 chains into t=1.
        float d2 = 0 + g * 0.7f - 0.1f;                // a2 = 0.53
        float d1 = 1 - 0.6f;                           // a1 = 0.4 (done)
        float d0 = 0 + g * 0.6f - 0.5f;                // 0.04
        float a2 = d2, a1 = d1, a0 = d0 + g * l * a1;
        // Instance 1: t=2 reward 1, bootstrap next[1]; no episode ends.
        float e2 = 1 + g * 0.9f - 0.4f;
        float e1 = 0 + g * 0.4f - 0.3f;
        float e0 = 0 + g * 0.3f - 0.2f;
        float b2 = e2, b1 = e1 + g * l * b2, b0 = e0 + g * l * b1;
        float[] expected = [a0, b0, a1, b1, a2, b2];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], adv[i], 5);
    }

    [Fact]
    public void ExplainedVarianceIsOneForPerfectValuesAndZeroForTheMean()
    {
        float[] ret = [1, 2, 3, 4];
        Assert.Equal(1.0, Ppo.ExplainedVariance(ret, ret), 6);
        Assert.Equal(0.0, Ppo.ExplainedVariance([2.5f, 2.5f, 2.5f, 2.5f], ret), 6);
    }

    [Fact]
    public void LearningRaisesSuccessFromTheRandomAgentsLevelToAboveNinetyPercent()
    {
        var split = TinyWorlds.ThreeByThree();
        double random = HeldOutCheck.Run(new TinyWorlds.RandomPolicy(5), split, 11, levels: 400).SuccessRate;

        using var learner = new Ppo(split, 3, TinyWorlds.Fast(totalSteps: 16 * 16 * 40), TinyWorlds.SmallMaze);
        while (!learner.Finished) learner.Train();
        using var policy = new LearnedPolicy(learner.Network, "tiny", seed: 9);
        double learned = HeldOutCheck.Run(policy, split, 11, levels: 400).SuccessRate;

        Assert.InRange(random, 0.05, 0.6);
        Assert.True(learned > 0.9, $"success after training {learned:F3} (random agent {random:F3})");
    }

    [Fact]
    public void SameSeedAndThreadsGiveIdenticalMetrics()
    {
        double[][] Run()
        {
            using var learner = new Ppo(TinyWorlds.ThreeByThree(), 42, TinyWorlds.Fast(), TinyWorlds.SmallMaze);
            return [.. Enumerable.Range(0, 3).Select(_ => TinyWorlds.Deterministic(learner.Train()))];
        }
        var a = Run();
        var b = Run();
        for (int u = 0; u < a.Length; u++) Assert.Equal(a[u], b[u]);
        using var other = new Ppo(TinyWorlds.ThreeByThree(), 43, TinyWorlds.Fast(), TinyWorlds.SmallMaze);
        Assert.NotEqual(a[0], TinyWorlds.Deterministic(other.Train()));
    }

    [Fact]
    public void MetricsUseTheSharedVocabulary()
    {
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 1, TinyWorlds.Fast(), TinyWorlds.SmallMlp);
        var m = learner.Train();
        string[] names = [.. m.Named().Select(x => x.Name)];
        foreach (var required in new[] { "episodic_return", "success_rate", "episode_length", "policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac", "explained_variance", "sps" })
            Assert.Contains(required, names);
        Assert.Equal(16 * 16, m.GlobalStep);
        Assert.InRange(m.Entropy, 1.2, Math.Log(4) + 1e-6);   // a fresh policy is near uniform
        Assert.True(m.Episodes > 0);
    }

    [Fact]
    public void NativeMemoryDoesNotGrowAcrossManyUpdates()
    {
        var settings = TinyWorlds.Fast(long.MaxValue / 2) with { NumEnvs = 4, NumSteps = 8, Epochs = 1, Minibatches = 1 };
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 1, settings, TinyWorlds.SmallMlp);
        long after20 = 0;
        for (int u = 1; u <= 200; u++)
        {
            learner.Train();
            if (u == 20) after20 = ResidentBytes();
        }
        long after200 = ResidentBytes();
        Assert.True(after200 <= after20 * 1.10, $"resident memory grew from {after20 >> 20} MiB after 20 updates to {after200 >> 20} MiB after 200");
    }

    /// <summary>The GRU core learns too (about 10 s of CPU; quick enough for the default run).</summary>
    [Fact]
    public void RecurrentAgentLearnsTheTinyMaze()
    {
        var split = TinyWorlds.ThreeByThree();
        var net = TinyWorlds.SmallMaze with { Recurrent = true, CoreSize = 32 };
        using var learner = new Ppo(split, 3, TinyWorlds.Fast(totalSteps: 16 * 16 * 60), net);
        while (!learner.Finished) learner.Train();
        using var policy = new LearnedPolicy(learner.Network, "tiny-gru", seed: 9);
        double learned = HeldOutCheck.Run(policy, split, 11, levels: 400).SuccessRate;
        Assert.True(learned > 0.9, $"recurrent success after training {learned:F3}");
    }

    internal static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }
}
