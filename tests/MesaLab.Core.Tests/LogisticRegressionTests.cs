namespace MesaLab.Core.Tests;

public class LogisticRegressionTests
{
    /// <summary>y ~ Bernoulli(σ(0.5 + 1.5·x1)) with x1, x2 standard normal: x2 carries nothing.</summary>
    private static (double[][] X, double[] Y) Sample(int n, ulong seed)
    {
        var rng = new Rng(seed);
        double Normal()
        {
            double u1 = Math.Max(rng.NextDouble(), 1e-300), u2 = rng.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        var x = new double[n][];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = [Normal(), Normal()];
            double p = 1 / (1 + Math.Exp(-(0.5 + 1.5 * x[i][0])));
            y[i] = rng.NextDouble() < p ? 1 : 0;
        }
        return (x, y);
    }

    [Fact]
    public void Recovers_a_known_coefficient_and_gives_an_interval_around_zero_to_a_feature_that_carries_nothing()
    {
        var (x, y) = Sample(3000, 7);
        var fit = LogisticRegression.Fit(["x1", "x2"], x, y, bootstrap: 200, seed: 1);
        var c = fit.Coefficients.ToDictionary(k => k.Feature, k => k.Coefficient);
        // Features are standardized (SD ≈ 1 here), so the coefficients are those of the simulation.
        Assert.InRange(1.5 * fit.Coefficients[1].FeatureSd, c["x1"].Low, c["x1"].High);
        Assert.InRange(0.5 + 1.5 * fit.Coefficients[1].FeatureMean, c["intercept"].Low, c["intercept"].High);
        Assert.InRange(0.0, c["x2"].Low, c["x2"].High);
        Assert.True(c["x2"].High - c["x2"].Low < 0.3, $"x2 interval {c["x2"].Format()}");
        // Deterministic in its seed.
        var again = LogisticRegression.Fit(["x1", "x2"], x, y, bootstrap: 200, seed: 1);
        Assert.Equal(fit.Coefficients.Select(k => k.Coefficient), again.Coefficients.Select(k => k.Coefficient));
    }

    [Fact]
    public void Seed_means_get_a_student_t_interval()
    {
        var e = Statistics.MeanOverSeeds([0.2, 0.4, 0.6]);
        Assert.Equal(0.4, e.Value, 12);
        // s = 0.2, se = 0.2/√3, t(0.975, 2) = 4.303.
        Assert.Equal(0.4 - 4.303 * 0.2 / Math.Sqrt(3), e.Low, 9);
        Assert.True(double.IsNaN(Statistics.MeanOverSeeds([0.3]).Low));
        Assert.False(Statistics.MeanOverSeeds([]).IsAvailable);
    }
}
