namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>Checkpoints reproduce the policy exactly, resume the same run, and refuse damaged files without harm.</summary>
[Collection("torch")]
public sealed class CheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-ckpt-").FullName;

    public CheckpointTests() => TorchSetup.SetThreads(1);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string PathOf(string name) => Path.Combine(dir, name);

    [Fact]
    public void RoundTripReproducesIdenticalActionProbabilities()
    {
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 7, TinyWorlds.Fast(), TinyWorlds.SmallMaze);
        learner.Train();
        var path = PathOf("a.ckpt");
        Checkpoint.Write(path, learner, new CheckpointMeta { RunName = "round-trip" });

        // Observations of a bigger deploy level: the one checkpoint must also run there.
        var deploy = TinyWorlds.Maze.Split("deploy");
        var batch = new WorldBatch(deploy, 3, 5);
        var obs = new float[3 * batch.ObservationSize];
        batch.Reset(obs);

        using var before = new LearnedPolicy(learner.Network, "live");
        using var after = LearnedPolicy.Load(path);
        var (p1, v1) = before.Evaluate(obs, 3, batch.Channels, batch.CanvasHeight, batch.CanvasWidth);
        var (p2, v2) = after.Evaluate(obs, 3, batch.Channels, batch.CanvasHeight, batch.CanvasWidth);
        Assert.Equal(p1, p2);
        Assert.Equal(v1, v2);
        Assert.Equal(12, p1.Length);
        for (int i = 0; i < 3; i++) Assert.Equal(1.0, p1.Skip(4 * i).Take(4).Sum(), 4);
        Assert.Equal("round-trip", after.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResumeContinuesTheSameMetricSequenceAsAnUninterruptedRun(bool recurrent)
    {
        var net = recurrent ? TinyWorlds.SmallMaze with { Recurrent = true, CoreSize = 16 } : TinyWorlds.SmallMaze;
        var settings = TinyWorlds.Fast() with { NumEnvs = 8, NumSteps = 12 };
        double[][] straight;
        using (var learner = new Ppo(TinyWorlds.ThreeByThree(), 21, settings, net))
            straight = [.. Enumerable.Range(0, 5).Select(_ => TinyWorlds.Deterministic(learner.Train()))];

        var resumed = new List<double[]>();
        var path = PathOf("mid.ckpt");
        using (var first = new Ppo(TinyWorlds.ThreeByThree(), 21, settings, net))
        {
            for (int u = 0; u < 2; u++) resumed.Add(TinyWorlds.Deterministic(first.Train()));
            Checkpoint.Write(path, first, new CheckpointMeta());
        }
        using (var second = Checkpoint.Read(path).Resume())
        {
            Assert.Equal(2, second.Update);
            for (int u = 0; u < 3; u++) resumed.Add(TinyWorlds.Deterministic(second.Train()));
        }
        for (int u = 0; u < 5; u++) Assert.Equal(straight[u], resumed[u]);
    }

    [Fact]
    public void TruncatedOrCorruptCheckpointsGiveAClearErrorAndDamageNothing()
    {
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 7, TinyWorlds.Fast(), TinyWorlds.SmallMlp);
        var good = PathOf("good.ckpt");
        Checkpoint.Write(good, learner, new CheckpointMeta());
        var bytes = File.ReadAllBytes(good);

        var truncated = PathOf("truncated.ckpt");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e1 = Assert.Throws<UserError>(() => Checkpoint.Read(truncated));
        Assert.Contains("corrupt or truncated", e1.Message);
        Assert.Contains("truncated.ckpt", e1.Message);

        var flipped = PathOf("flipped.ckpt");
        var copy = (byte[])bytes.Clone();
        copy[copy.Length / 2] ^= 0x40;
        File.WriteAllBytes(flipped, copy);
        Assert.Contains("corrupt or truncated", Assert.Throws<UserError>(() => Checkpoint.Read(flipped)).Message);

        var foreign = PathOf("notes.txt");
        File.WriteAllText(foreign, "hello");
        Assert.Contains("not a MesaLab checkpoint", Assert.Throws<UserError>(() => Checkpoint.Read(foreign)).Message);
        Assert.Contains("does not exist", Assert.Throws<UserError>(() => Checkpoint.Read(PathOf("missing.ckpt"))).Message);

        // Failed reads leave every file as it was, and the good checkpoint still loads.
        Assert.Equal(bytes, File.ReadAllBytes(good));
        Assert.Equal(copy, File.ReadAllBytes(flipped));
        Assert.Equal(0, Checkpoint.Read(good).Meta.Learner.Update);
    }

    [Fact]
    public void WritingReplacesAnEarlierCheckpointOnlyWhenTheNewOneIsComplete()
    {
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 7, TinyWorlds.Fast(), TinyWorlds.SmallMlp);
        var path = PathOf("latest.ckpt");
        Checkpoint.Write(path, learner, new CheckpointMeta());
        learner.Train();
        Checkpoint.Write(path, learner, new CheckpointMeta());
        Assert.Equal(1, Checkpoint.Read(path).Meta.Learner.Update);
        Assert.Single(Directory.GetFiles(dir));   // no temporary files left behind
    }

    [Fact]
    public void OneMazeCheckpointRunsOnAnyLevelSize()
    {
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 7, TinyWorlds.Fast(), TinyWorlds.SmallMaze);
        learner.Train();
        var path = PathOf("any-size.ckpt");
        Checkpoint.Write(path, learner, new CheckpointMeta { RunName = "any-size" });
        using var loaded = LearnedPolicy.Load(path, greedy: true);
        using var live = new LearnedPolicy(learner.Network, "live");
        Assert.Equal(3, loaded.Network.InputHeight);
        foreach (int size in new[] { 3, 9, 16 })
        {
            var split = TinyWorlds.Maze.Split("deploy", new Dictionary<string, object> { ["min_size"] = size, ["max_size"] = size });
            var r = HeldOutCheck.Run(loaded, split, 1, levels: 4, instances: 4);
            Assert.Equal(4, r.Levels);
            // The checkpoint trained on 3×3 reads a size × size canvas and gives the live network's probabilities there.
            var batch = new WorldBatch(split, 2, 3);
            var obs = new float[2 * batch.ObservationSize];
            batch.Reset(obs);
            Assert.Equal(size, batch.CanvasHeight);
            var (p1, v1) = live.Evaluate(obs, 2, batch.Channels, size, size);
            var (p2, v2) = loaded.Evaluate(obs, 2, batch.Channels, size, size);
            Assert.Equal(p1, p2);
            Assert.Equal(v1, v2);
        }
    }

    [Fact]
    public void ACheckpointRestoresTheOptimizersMomentsAndAnOldFormatOneSaysItCannotBeResumed()
    {
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 7, TinyWorlds.Fast(), TinyWorlds.SmallMaze);
        learner.Train();
        var path = PathOf("adam.ckpt");
        Checkpoint.Write(path, learner, new CheckpointMeta());
        var checkpoint = Checkpoint.Read(path);
        using (var resumed = checkpoint.Resume())
        {
            Assert.Equal(learner.Optimizer.Steps, resumed.Optimizer.Steps);
            Assert.True(resumed.Optimizer.Steps > 0);
        }
        // A version-1 file (TorchSharp's Adam state) still gives its network, but resuming it is refused in one sentence.
        var old = PathOf("v1.ckpt");
        Checkpoint.WriteFile(old, checkpoint.Meta with { FormatVersion = 1 }, checkpoint.ModelBytes, [1, 2, 3], formatVersion: 1);
        var v1 = Checkpoint.Read(old);
        using (var net = v1.BuildNetwork()) Assert.Equal(learner.Network.Settings, net.Settings);
        var e = Assert.Throws<UserError>(() => v1.Resume());
        Assert.Contains("v1.ckpt", e.Message);
        Assert.Contains("can be evaluated but not resumed", e.Message);
    }

    [Fact]
    public void AnMlpRefusesAnotherCanvasSizeWithAClearError()
    {
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 7, TinyWorlds.Fast(), TinyWorlds.SmallMlp);
        using var policy = new LearnedPolicy(learner.Network, "mlp");
        var split = TinyWorlds.Maze.Split("deploy");
        var e = Assert.Throws<UserError>(() => HeldOutCheck.Run(policy, split, 1, levels: 2));
        Assert.Contains("mlp network reads 3×3 canvases only", e.Message);
    }

    [Fact]
    public void ActivationsAreNamedAndSteerable()
    {
        using var learner = new Ppo(TinyWorlds.ThreeByThree(), 7, TinyWorlds.Fast(), TinyWorlds.SmallMaze);
        using var policy = new LearnedPolicy(learner.Network, "named");
        var batch = new WorldBatch(TinyWorlds.ThreeByThree(), 2, 1);
        var obs = new float[2 * batch.ObservationSize];
        batch.Reset(obs);
        using var x = TorchSharp.torch.tensor(obs, [2, batch.Channels, 3, 3]);
        var acts = policy.Activations(x);
        Assert.Contains("body.stem", acts.Keys);
        Assert.Contains("body.step.3", acts.Keys);
        Assert.Equal([2L, 3, 3, 8], acts["body.step.3"].shape);
        Assert.Equal([2L, 48], acts["body.features"].shape);
        Assert.Equal([2L, 4], acts["policy"].shape);
        foreach (var t in acts.Values) t.Dispose();

        // Steering: adding to the logits changes the probabilities the policy reports.
        var (plain, _) = policy.Evaluate(obs, 2, batch.Channels, 3, 3);
        learner.Network.Hook = (name, t) => name == "policy" ? t + TorchSharp.torch.tensor(new float[] { 5, 0, 0, 0 }) : t;
        var (steered, _) = policy.Evaluate(obs, 2, batch.Channels, 3, 3);
        learner.Network.Hook = null;
        Assert.True(steered[0] > plain[0] + 0.3, $"steering did not raise P(up): {plain[0]} → {steered[0]}");
    }
}
