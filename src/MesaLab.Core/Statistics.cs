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

    /// <summary>
    /// The mean over groups (seeds) of each group's mean over its values (levels), with a 95 % percentile interval from a
    /// two-level bootstrap: resample groups with replacement, then values within each drawn group. With one group this is
    /// the ordinary bootstrap over its values. NaN values are left out; groups with none are dropped.
    /// </summary>
    public static Estimate GroupedMean(IReadOnlyList<IReadOnlyList<double>> groups, ulong seed, int replicates = 1000)
    {
        var g = groups.Select(v => v.Where(x => !double.IsNaN(x)).ToArray()).Where(v => v.Length > 0).ToArray();
        if (g.Length == 0) return Estimate.NotAvailable;
        double value = g.Average(v => v.Average());
        var rng = new Rng(seed ^ 0xB0075_7A9UL);
        var reps = new double[replicates];
        for (int r = 0; r < replicates; r++)
        {
            double sum = 0;
            for (int i = 0; i < g.Length; i++)
            {
                var v = g[rng.Next(g.Length)];
                double s = 0;
                for (int j = 0; j < v.Length; j++) s += v[rng.Next(v.Length)];
                sum += s / v.Length;
            }
            reps[r] = sum / g.Length;
        }
        return Estimate.FromReplicates(value, reps);
    }

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
