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
        // 20 independent simulations: the 95 % intervals should cover the truth in about 19; the estimates should centre on it.
        int coverX1 = 0, coverX2 = 0, coverIntercept = 0;
        double sumX1 = 0;
        for (ulong s = 1; s <= 20; s++)
        {
            var (x, y) = Sample(1000, s);
            var fit = LogisticRegression.Fit(["x1", "x2"], x, y, bootstrap: 200, seed: s);
            var c = fit.Coefficients.ToDictionary(k => k.Feature, k => k.Coefficient);
            // Features are standardized: the true coefficient of x1 per SD is 1.5 × its sample SD, the intercept the log-odds at the means.
            double trueX1 = 1.5 * fit.Coefficients[1].FeatureSd, trueIntercept = 0.5 + 1.5 * fit.Coefficients[1].FeatureMean;
            if (c["x1"].Low <= trueX1 && trueX1 <= c["x1"].High) coverX1++;
            if (c["x2"].Low <= 0 && 0 <= c["x2"].High) coverX2++;
            if (c["intercept"].Low <= trueIntercept && trueIntercept <= c["intercept"].High) coverIntercept++;
            sumX1 += c["x1"].Value / fit.Coefficients[1].FeatureSd;
        }
        Assert.True(coverX1 >= 16 && coverX2 >= 16 && coverIntercept >= 16, $"coverage of 20: x1 {coverX1}, x2 {coverX2}, intercept {coverIntercept}");
        Assert.InRange(sumX1 / 20, 1.4, 1.6);

        // Deterministic in its seed.
        var (x0, y0) = Sample(500, 99);
        var a = LogisticRegression.Fit(["x1", "x2"], x0, y0, bootstrap: 50, seed: 1);
        var b = LogisticRegression.Fit(["x1", "x2"], x0, y0, bootstrap: 50, seed: 1);
        Assert.Equal(a.Coefficients.Select(k => k.Coefficient), b.Coefficients.Select(k => k.Coefficient));
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
