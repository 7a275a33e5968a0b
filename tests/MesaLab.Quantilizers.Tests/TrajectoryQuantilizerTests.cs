namespace MesaLab.Quantilizers.Tests;

using CsCheck;
using MesaLab.Quantilizers;
using MesaLab.Worlds;

public class TrajectoryQuantilizerTests
{
    private static double Exponential(ref Rng rng) => -Math.Log(1 - rng.NextDouble());

    /// <summary>
    /// Base: Exp(1), whose upper quantiles are known (P(X ≥ t) = e^−t). The q-quantilizer's picks must be
    /// distributed as X | X ≥ ln(1/q), which by memorylessness is ln(1/q) + Exp(1). Two-sample KS at α = 0.01.
    /// </summary>
    [Fact]
    public void Picks_match_the_truncated_base_distribution_by_a_two_sample_KS_test()
    {
        const double q = 0.1, alpha = 0.01;
        const int n = 10_000, picks = 1_000;
        var rng = new Rng(42);
        var quantilized = new double[picks];
        var buffer = new double[n];
        for (int i = 0; i < picks; i++)
        {
            // Each pick comes from a fresh base sample, as a quantilizer acting once would draw it.
            for (int j = 0; j < n; j++) buffer[j] = Exponential(ref rng);
            var qz = new TrajectoryQuantilizer(OutcomeSample.OfUtility((double[])buffer.Clone()));
            quantilized[i] = buffer[qz.Pick(q, ref rng)];
        }
        double threshold = Math.Log(1 / q);
        var truncated = new double[picks];
        for (int i = 0; i < picks; i++) truncated[i] = threshold + Exponential(ref rng);

        double d = KolmogorovSmirnov.Statistic(quantilized, truncated);
        Assert.True(d < KolmogorovSmirnov.CriticalValue(alpha, picks, picks), $"D = {d:F4} exceeds the α = {alpha} critical value");
        Assert.True(KolmogorovSmirnov.PValue(d, picks, picks) > alpha);

        // The test has power: the base itself, and the wrong truncation (q = 0.2), are rejected.
        var untruncated = new double[picks];
        for (int i = 0; i < picks; i++) untruncated[i] = Exponential(ref rng);
        Assert.True(KolmogorovSmirnov.PValue(KolmogorovSmirnov.Statistic(quantilized, untruncated), picks, picks) < alpha);
        var wrong = new double[picks];
        for (int i = 0; i < picks; i++) wrong[i] = Math.Log(1 / 0.2) + Exponential(ref rng);
        Assert.True(KolmogorovSmirnov.PValue(KolmogorovSmirnov.Statistic(quantilized, wrong), picks, picks) < alpha);
    }

    [Fact]
    public void KS_statistic_and_p_value_match_hand_computed_cases()
    {
        Assert.Equal(0, KolmogorovSmirnov.Statistic([1, 2, 3], [1, 2, 3]), 12);
        Assert.Equal(1, KolmogorovSmirnov.Statistic([1, 2, 3], [4, 5]), 12);
        Assert.Equal(0.5, KolmogorovSmirnov.Statistic([1, 2, 3, 4], [3, 4, 5, 6]), 12);
        // Q_KS(1.36) ≈ 0.0494 and Q_KS(1.63) ≈ 0.0098: the classic 5 % and 1 % points.
        Assert.InRange(KolmogorovSmirnov.KolmogorovTail(1.358), 0.049, 0.051);
        Assert.InRange(KolmogorovSmirnov.KolmogorovTail(1.628), 0.0095, 0.0105);
    }

    [Fact]
    public void Estimator_is_the_top_q_mean_with_a_fractional_boundary_sample()
    {
        var qz = new TrajectoryQuantilizer(OutcomeSample.OfUtility([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
        // n·q = 2.5: 10 and 9 whole, half of 8.
        Assert.Equal((10 + 9 + 0.5 * 8) / 2.5, qz.Expect(0.25, Metric.Proxy), 12);
        Assert.Equal(5.5, qz.Expect(1, Metric.Proxy), 12);
        Assert.Equal(10, qz.Expect(0.1, Metric.Proxy), 12);
    }

    [Fact]
    public void Ties_at_the_boundary_are_split_in_proportion_to_their_mass()
    {
        // Proxy ties at 5 with different costs: the quantilizer must not prefer either tied sample.
        var sample = new OutcomeSample([9, 5, 5, 1], [0, 0, 0, 0], [0, 10, 30, 0]);
        var qz = new TrajectoryQuantilizer(sample);
        var w = qz.Weights(0.5); // mass 2 of 4: sample 0 whole (1), then 1 of the 2 tied → half each
        Assert.Equal([0.5, 0.25, 0.25, 0], w.Select(x => Math.Round(x, 12)).ToArray());
        Assert.Equal((0 + 0.5 * 10 + 0.5 * 30) / 2, qz.Expect(0.5, Metric.Cost), 12);
        // And the same rule on unnormalized masses (per-action use).
        var weights = new double[3];
        TopQuantile.Weights([2, 2, 1], [0.1, 0.3, 0.6], 0.2, weights);
        Assert.Equal(0.25, weights[0], 12);
        Assert.Equal(0.75, weights[1], 12);
        Assert.Equal(0, weights[2], 12);
    }

    [Fact]
    public void Weights_never_exceed_base_mass_over_q_so_Taylors_bound_holds_on_constructed_cases()
    {
        Gen.Select(Gen.Double[0, 1].Array[1, 60], Gen.Double[0.01, 1])
            .Sample((utility, q) =>
            {
                var rng = new Rng((ulong)utility.Length);
                var rounded = utility.Select(u => Math.Round(u * 4) / 4).ToArray(); // plenty of ties
                var cost = rounded.Select(_ => rng.NextDouble() * 3).ToArray();
                int n = rounded.Length;
                if (n * q < 1) return true;
                var qz = new TrajectoryQuantilizer(new OutcomeSample(rounded, rounded, cost));
                var w = qz.Weights(q);
                double eq = 0, eb = cost.Average();
                for (int i = 0; i < n; i++) eq += w[i] * cost[i];
                return Math.Abs(w.Sum() - 1) < 1e-9 && w.All(x => x >= 0 && x <= 1.0 / (q * n) + 1e-12)
                    && eq <= eb / q + 1e-9 && Math.Abs(eq - qz.Expect(q, Metric.Cost)) < 1e-9;
            }, iter: 300);
    }

    [Fact]
    public void Bootstrap_interval_covers_the_known_top_quantile_mean()
    {
        // Exp(1): E[X | X ≥ ln(1/q)] = ln(1/q) + 1.
        const double q = 0.05;
        var rng = new Rng(7);
        var x = new double[20_000];
        for (int i = 0; i < x.Length; i++) x[i] = Exponential(ref rng);
        var qz = new TrajectoryQuantilizer(OutcomeSample.OfUtility(x));
        var reps = qz.Bootstrap([q], 200, ref rng);
        var est = Estimate.FromReplicates(qz.Expect(q, Metric.Proxy), reps[0][0]);
        double truth = Math.Log(1 / q) + 1;
        Assert.InRange(truth, est.Low, est.High);
        Assert.InRange(est.StandardError, 0.01, 0.1); // sd/√(qn) = 1/√1000 ≈ 0.03, plus threshold noise
    }

    [Fact]
    public void Picks_are_deterministic_for_a_seed_and_stay_in_the_top_q()
    {
        var u = Enumerable.Range(0, 1000).Select(i => (double)(i % 100)).ToArray();
        var qz = new TrajectoryQuantilizer(OutcomeSample.OfUtility(u));
        var a = new Rng(3); var b = new Rng(3);
        for (int i = 0; i < 200; i++)
        {
            int pa = qz.Pick(0.05, ref a);
            Assert.Equal(pa, qz.Pick(0.05, ref b));
            Assert.True(u[pa] >= 95, $"picked utility {u[pa]} is outside the top 5 %");
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_q_outside_the_unit_interval_is_a_user_error(double q)
    {
        var e = Assert.Throws<UserError>(() => TrajectoryQuantilizer.Check(q, 1000));
        Assert.Contains("outside (0, 1]", e.Message);
    }

    [Fact]
    public void Too_few_samples_for_q_is_a_user_error_naming_the_minimum_n()
    {
        var e = Assert.Throws<UserError>(() => TrajectoryQuantilizer.Check(0.0001, 5000));
        Assert.Contains("too few", e.Message);
        Assert.Contains("10000", e.Message);
        TrajectoryQuantilizer.Check(0.0001, 10_000); // exactly one sample kept is allowed
    }
}
