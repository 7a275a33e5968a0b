namespace MesaLab.Core;

/// <summary>The few statistics every layer needs: Wilson intervals, percentiles, log-sum-exp.</summary>
public static class Statistics
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// Wilson score interval for a proportion: well behaved at 0, 1 and small n, unlike the normal
    /// approximation. n = 0 gives <see cref="Estimate.NotAvailable"/>.
    /// </summary>
    public static Estimate Wilson(int successes, int n, double z = Z95)
    {
        if (n <= 0) return Estimate.NotAvailable;
        double p = successes / (double)n;
        double z2 = z * z;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denom;
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half)) { StandardError = Math.Sqrt(p * (1 - p) / n) };
    }

    /// <summary>
    /// The mean of a few values (one per seed) with a 95 % Student-t interval: mean ± t(0.975, n − 1)·s/√n. One value
    /// gives no interval (NaN ends); no values give <see cref="Estimate.NotAvailable"/>.
    /// </summary>
    public static Estimate MeanOverSeeds(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n == 0) return Estimate.NotAvailable;
        double mean = values.Average();
        if (n == 1) return new Estimate(mean, double.NaN, double.NaN);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double se = sd / Math.Sqrt(n), half = StudentT975(n - 1) * se;
        return new Estimate(mean, mean - half, mean + half) { StandardError = se };
    }

    /// <summary>The 97.5 % quantile of Student's t with <paramref name="df"/> degrees of freedom (table to 30, then the normal's).</summary>
    public static double StudentT975(int df)
    {
        double[] table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];
        if (df < 1) throw new ArgumentOutOfRangeException(nameof(df), "at least one degree of freedom is needed.");
        return df <= table.Length ? table[df - 1] : Z95;
    }

    /// <summary>Linear-interpolated percentile (q in [0, 1]) of values (sorted in place).</summary>
    public static double Percentile(double[] values, double q)
    {
        if (values.Length == 0) return double.NaN;
        Array.Sort(values);
        double pos = q * (values.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, values.Length - 1);
        return values[lo] + (pos - lo) * (values[hi] - values[lo]);
    }

    /// <summary>Point estimate with the 2.5 % and 97.5 % percentiles of bootstrap replicates (NaNs dropped).</summary>
    public static Estimate PercentileInterval(double value, IEnumerable<double> replicates) => Estimate.FromReplicates(value, replicates);

    public static double LogSumExp(ReadOnlySpan<double> x)
    {
        double m = double.NegativeInfinity;
        foreach (double v in x) if (v > m) m = v;
        if (double.IsNegativeInfinity(m)) return m;
        double s = 0;
        foreach (double v in x) s += Math.Exp(v - m);
        return m + Math.Log(s);
    }
}
