using MesaLab.Core;

namespace MesaLab.Analysis.Tests;

public class MeanOfMeansTests
{
    [Fact]
    public void The_mean_of_group_means_weights_groups_equally_and_is_exact_without_spread()
    {
        var e = HierarchicalBootstrap.MeanOfMeans([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0]], seed: 1);
        Assert.Equal(0.5, e.Value, 12);
        Assert.True(e.Low < 0.5 && e.High > 0.5, "two different seeds give an interval");
        var flat = HierarchicalBootstrap.MeanOfMeans([[0.25, 0.25], [0.25]], seed: 1);
        Assert.Equal((0.25, 0.25, 0.25), (flat.Value, flat.Low, flat.High));
    }

    [Fact]
    public void Seed_spread_widens_the_interval_beyond_level_noise_and_the_same_seed_repeats()
    {
        var rng = new Rng(9);
        double[] Draw(double p) => [.. Enumerable.Range(0, 60).Select(_ => rng.NextDouble() < p ? 1.0 : 0.0)];
        IReadOnlyList<IReadOnlyList<double>> alike = [Draw(0.5), Draw(0.5), Draw(0.5)];
        IReadOnlyList<IReadOnlyList<double>> apart = [Draw(0.1), Draw(0.5), Draw(0.9)];
        var a = HierarchicalBootstrap.MeanOfMeans(alike, seed: 4);
        var b = HierarchicalBootstrap.MeanOfMeans(apart, seed: 4);
        Assert.True(b.High - b.Low > 2 * (a.High - a.Low), $"{a} vs {b}");
        Assert.Equal(b, HierarchicalBootstrap.MeanOfMeans(apart, seed: 4));
        Assert.False(HierarchicalBootstrap.MeanOfMeans([[double.NaN]], seed: 1).IsAvailable);
    }
}
