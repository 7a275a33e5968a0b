namespace MesaLab.Experiments.Tests.Training;

using MesaLab.Experiments;
using MesaLab.Learning;
using MesaLab.Store;

/// <summary>Runs live in the run store: metrics per update, checkpoints, interruption and exact resumption.</summary>
[Collection("torch")]
public sealed class TrainJobTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-runs-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public const string TinyYaml = """
        world: green-arrow-maze
        seed: 5
        threads: 1
        world_parameters: { min_size: 3, max_size: 3, max_steps: 8 }
        ppo: { num_envs: 8, num_steps: 12, total_steps: 480, minibatches: 2, epochs: 2, learning_rate: 0.003, gamma: 0.9 }
        network: { channels: 8, iterations: 4, hidden: 32 }
        training: { held_out_levels: 50, checkpoint_seconds: 1000 }
        """;

    private static ExperimentConfig Tiny() => ExperimentConfig.Parse(TinyYaml, "tiny.yaml");

    private static List<MetricPoint> Deterministic(IRunStore store, string runId) =>
        [.. store.Metrics(runId).Where(p => p.Name != "sps")];

    [Fact]
    public void ACompletedRunHasMetricsEveryUpdateACheckpointAndAHeldOutCheck()
    {
        using var store = RunStores.Open(Path.Combine(dir, "a"));
        var outcome = TrainJob.Start(store, Tiny(), SilentNarrator.Instance);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(5, outcome.Updates);
        Assert.Equal(RunStatus.Completed, store.GetRun(outcome.Run.Id).Status);
        var metrics = store.Metrics(outcome.Run.Id, "entropy");
        Assert.Equal([1L, 2, 3, 4, 5], metrics.Select(m => m.Update));
        var ckpt = store.LatestCheckpoint(outcome.Run.Id)!;
        Assert.Equal(5, ckpt.Update);
        Assert.True(File.Exists(Path.Combine(store.Workspace, ckpt.Path)));
        Assert.NotNull(outcome.HeldOut);
        Assert.Equal(50, outcome.HeldOut!.Levels);
        Assert.Single(store.Results(outcome.Run.Id, kind: "held_out_check"));
        // The stored configuration reproduces the run's settings.
        var again = ExperimentConfig.ParseStored(store.GetRun(outcome.Run.Id).Config, "stored");
        Assert.Equal(480, again.Section<PpoSettings>("ppo").TotalSteps);
        Assert.Equal(8, again.Section<NetworkSettings>("network").Channels);
        var e = Assert.Throws<UserError>(() => TrainJob.Resume(store, outcome.Run.Id, [], SilentNarrator.Instance));
        Assert.Contains("already completed its budget", e.Message);
    }

    [Fact]
    public void AnInterruptedRunResumesWithTheSameMetricSequenceAsAnUninterruptedOne()
    {
        using var straightStore = RunStores.Open(Path.Combine(dir, "straight"));
        var straight = TrainJob.Start(straightStore, Tiny(), SilentNarrator.Instance);

        using var store = RunStores.Open(Path.Combine(dir, "interrupted"));
        using var cancel = new CancellationTokenSource();
        var first = TrainJob.Start(store, Tiny(), new ProgressNarrator((done, _) => { if (done == 2 * 96) cancel.Cancel(); }), cancel.Token);
        Assert.Equal(RunStatus.Interrupted, first.Status);
        Assert.Equal(2, first.Updates);
        Assert.Equal(RunStatus.Interrupted, store.GetRun(first.Run.Id).Status);

        // A killed process may have logged metrics after its last checkpoint; resuming drops them.
        store.AddMetrics(first.Run.Id, [new MetricPoint(3, 288, "entropy", 123.0)]);
        var second = TrainJob.Resume(store, first.Run.Id, [], SilentNarrator.Instance);
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Equal(Deterministic(straightStore, straight.Run.Id).Select(p => (p.Update, p.Name, p.Value)),
                     Deterministic(store, first.Run.Id).Select(p => (p.Update, p.Name, p.Value)));
        Assert.Equal(straight.HeldOut!.SuccessRate, second.HeldOut!.SuccessRate);
    }

    [Fact]
    public void ConfigErrorsNameTheFileLineAndField()
    {
        var e = Assert.Throws<UserError>(() => ExperimentConfig.Parse("world: green-arrow-maze\nppo:\n  learning_rat: 0.1\n", "exp.yaml").Section<PpoSettings>("ppo"));
        Assert.Contains("exp.yaml", e.Message);
        Assert.Contains("learning_rat", e.Message);
        Assert.Contains("learning_rate", e.Message);
        var bad = Assert.Throws<UserError>(() => ExperimentConfig.Parse("ppo:\n  num_envs: 6\n  num_steps: 5\n  minibatches: 4\n", "exp.yaml").Section<PpoSettings>("ppo"));
        Assert.Contains("minibatches", bad.Message);
        Assert.Contains("must divide", bad.Message);
        var kind = Assert.Throws<UserError>(() => ExperimentConfig.Parse("network:\n  kind: transformer\n", "exp.yaml").Section<NetworkSettings>("network"));
        Assert.Contains("maze, mlp", kind.Message);
        Assert.Contains("exp.yaml", kind.Message);
        var dev = Assert.Throws<UserError>(() => ExperimentConfig.Parse("training:\n  device: tpu\n", "exp.yaml").Section<TrainingSettings>("training"));
        Assert.Contains("cpu, cuda", dev.Message);
    }
}

/// <summary>Training with transparency as a stored run, and its settings in experiment files.</summary>
[Collection("torch")]
public sealed class TransparencyTrainingRunTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-aux-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ARunWithTheSwitchStoresAuxMetricsAndItsSettingsWithTheRun()
    {
        using var store = RunStores.Open(Path.Combine(dir, "run"));
        var config = ExperimentConfig.Parse(TrainJobTests.TinyYaml + "\ntransparency: { aux: penalize_proxy, weight: 0.2 }\n", "tiny.yaml");
        var outcome = TrainJob.Start(store, config, SilentNarrator.Instance);
        Assert.Equal(5, store.Metrics(outcome.Run.Id, "aux_loss").Count);
        Assert.Equal(5, store.Metrics(outcome.Run.Id, "aux_accuracy").Count);
        var checkpoint = Checkpoint.Read(Path.Combine(store.Workspace, store.LatestCheckpoint(outcome.Run.Id)!.Path));
        Assert.Equal(new TransparencyTrainingSettings { Aux = "penalize_proxy", Weight = 0.2 }, checkpoint.Meta.Transparency);
        Assert.Equal("penalize_proxy", ExperimentConfig.ParseStored(store.GetRun(outcome.Run.Id).Config, "stored").Section<TransparencyTrainingSettings>().Aux);
        // A plain run stores none of them.
        var plain = TrainJob.Start(store, ExperimentConfig.Parse(TrainJobTests.TinyYaml, "tiny.yaml"), SilentNarrator.Instance);
        Assert.Empty(store.Metrics(plain.Run.Id, "aux_loss"));
    }

    [Fact]
    public void BadSettingsNameTheFileAndField()
    {
        string Load(string yaml)
        {
            var path = Path.Combine(dir, "exp.yaml");
            File.WriteAllText(path, "world: green-arrow-maze\n" + yaml);
            return Assert.Throws<UserError>(() => ExperimentConfig.Load(path).Section<TransparencyTrainingSettings>()).Message;
        }
        var e = Load("transparency:\n  aux: proxy_please\n");
        Assert.Contains("transparency.aux", e);
        Assert.Contains("none, intended_goal, penalize_proxy", e);
        Assert.Contains("exp.yaml", e);
        Assert.Contains("transparency.weight", Load("transparency:\n  aux: intended_goal\n  weight: -1\n"));
        Assert.Contains("transparency.probe_learning_rate", Load("transparency:\n  probe_learning_rate: 0\n"));
        Assert.Equal("none", ExperimentConfig.Load(null).Section<TransparencyTrainingSettings>().Aux);
    }
}
