namespace MesaLab.Experiments.Tests.Reporting;

using MesaLab.Experiments;
using MesaLab.Store;

public sealed class SweepConfigTests
{
    private static string RepositoryFile(params string[] parts)
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "MesaLab.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return Path.Combine([dir, .. parts]);
    }

    [Fact]
    public void Mitigation_config_sweeps_the_randomized_fraction_of_the_training_split_only()
    {
        var config = ExperimentConfig.Load(RepositoryFile("configs", "mitigation.yaml"));
        var sweep = config.Section<SweepSettings>();
        Assert.Equal([0, 0.005, 0.02, 0.1], sweep.Values);
        foreach (var v in sweep.Values)
        {
            var run = config.Without("sweep").With([ConfigOverride.Option(sweep.Parameter, v.ToString(System.Globalization.CultureInfo.InvariantCulture), "test")]);
            Assert.Equal(v, run.TrainSplit.Real("randomized_fraction"));
            Assert.Equal("distinguishing", run.DeploySplit.Choice("arrow"));
            Assert.Equal(0, run.DeploySplit.Real("randomized_fraction"));
            Assert.DoesNotContain("sweep", run.ToYaml(TrainJob.Sections));
        }
    }

    [Fact]
    public void Errors_elsewhere_in_a_sweep_file_name_their_own_line()
    {
        const string yaml = "world: green-arrow-maze\nsweep:\n  parameter: seed\n  values: [1, 2]\nseed: -4\n";
        var e = Assert.Throws<UserError>(() => ExperimentConfig.Parse(yaml, "x.yaml"));
        Assert.Contains("x.yaml:5", e.Message);
        var repeated = Assert.Throws<UserError>(() => ExperimentConfig.Parse("sweep:\n  parameter: seed\n  values: [1, 1]\n", "r.yaml").Section<SweepSettings>());
        Assert.Contains("sweep.values", repeated.Message);
    }

    [Fact]
    public void A_file_without_a_sweep_or_with_an_empty_one_is_one_sentence_before_anything_trains()
    {
        var dir = Directory.CreateTempSubdirectory("mesalab-sweep-").FullName;
        try
        {
            using var store = RunStores.Open(Path.Combine(dir, "ws"));
            var none = Assert.Throws<UserError>(() => SweepJob.Run(store, ExperimentConfig.Parse("world: green-arrow-maze\n", "a.yaml"), Path.Combine(dir, "out"), SilentNarrator.Instance));
            Assert.Contains("sweep.parameter is missing", none.Message);
            var empty = Assert.Throws<UserError>(() => SweepJob.Run(store, ExperimentConfig.Parse("sweep:\n  parameter: seed\n  values: []\n", "b.yaml"), Path.Combine(dir, "out"), SilentNarrator.Instance));
            Assert.Contains("sweep.values is empty", empty.Message);
            Assert.StartsWith("b.yaml:2", empty.Message);
            Assert.Empty(store.ListRuns());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
