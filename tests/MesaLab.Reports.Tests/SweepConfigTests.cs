namespace MesaLab.Reports.Tests;

using MesaLab.Reports.Pipelines;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;

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
        var path = RepositoryFile("configs", "mitigation.yaml");
        var (yaml, sweep) = SweepSettings.Split(File.ReadAllText(path), path);
        Assert.Equal([0, 0.005, 0.02, 0.1], sweep.Values);
        var config = ExperimentConfig.Parse(yaml, path);
        foreach (var v in sweep.Values)
        {
            var run = config.With([ConfigOverride.Option(sweep.Parameter, v.ToString(System.Globalization.CultureInfo.InvariantCulture), "test")]);
            Assert.Equal(v, run.TrainSplit.Real("randomized_fraction"));
            Assert.Equal("distinguishing", run.DeploySplit.Choice("arrow"));
            Assert.Equal(0, run.DeploySplit.Real("randomized_fraction"));
            Assert.DoesNotContain("sweep", run.ToYaml());
        }
    }

    [Fact]
    public void Blanking_the_sweep_section_keeps_line_numbers_for_errors_elsewhere()
    {
        const string yaml = "world: green-arrow-maze\nsweep:\n  parameter: seed\n  values: [1, 2]\nseed: -4\n";
        var (rest, sweep) = SweepSettings.Split(yaml, "x.yaml");
        Assert.Equal("seed", sweep.Parameter);
        Assert.Equal(yaml.Split('\n').Length, rest.Split('\n').Length);
        var e = Assert.Throws<UserError>(() => ExperimentConfig.Parse(rest, "x.yaml"));
        Assert.Contains("x.yaml:5", e.Message);
    }

    [Fact]
    public void A_file_without_a_sweep_or_with_an_empty_one_is_one_sentence()
    {
        var none = Assert.Throws<UserError>(() => SweepSettings.Split("world: green-arrow-maze\n", "a.yaml"));
        Assert.Contains("no 'sweep:' section", none.Message);
        var empty = Assert.Throws<UserError>(() => SweepSettings.Split("sweep:\n  parameter: seed\n  values: []\n", "b.yaml"));
        Assert.Contains("sweep.values", empty.Message);
        Assert.StartsWith("b.yaml:3", empty.Message); // the line of the empty list
    }
}
