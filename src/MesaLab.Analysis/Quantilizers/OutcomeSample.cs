namespace MesaLab.Analysis.Quantilizers;

/// <summary>
/// n trajectories sampled from a base distribution, reduced to what the quantilizer needs: the proxy
/// utility it ranks by, the hidden true utility and the cost c ≥ 0 of Taylor's bound.
/// </summary>
public sealed record OutcomeSample(double[] Proxy, double[] True, double[] Cost)
{
    public int Count => Proxy.Length;

    /// <summary>The metric named, in the order <see cref="Metric"/> lists them.</summary>
    public double[] Of(Metric m) => m switch { Metric.Proxy => Proxy, Metric.True => True, _ => Cost };

    /// <summary>A sample of a single utility (true utility and cost copied from it), for synthetic tests.</summary>
    public static OutcomeSample OfUtility(double[] utility, double[]? cost = null) =>
        new(utility, (double[])utility.Clone(), cost ?? new double[utility.Length]);
}

/// <summary>The three quantities every quantilizer result reports.</summary>
public enum Metric
{
    Proxy,
    True,
    Cost,
}

/// <summary>An estimate with its sampling error: standard error and a 95 % interval (bootstrap percentiles or normal).</summary>
public sealed record Estimate(double Mean, double StandardError, double Low, double High)
{
    public static Estimate Exact(double value) => new(value, 0, value, value);

    /// <summary>Normal-theory (CLT) estimate of a mean.</summary>
    public static Estimate OfMean(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n == 0) throw new ArgumentException("no values.", nameof(values));
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= n;
        double ss = 0;
        foreach (var v in values) ss += (v - mean) * (v - mean);
        double se = n > 1 ? Math.Sqrt(ss / (n - 1) / n) : 0;
        return new(mean, se, mean - 1.959963984540054 * se, mean + 1.959963984540054 * se);
    }

    /// <summary>Point estimate with the bootstrap's standard deviation and 2.5 / 97.5 percentiles.</summary>
    public static Estimate FromReplicates(double point, double[] replicates)
    {
        if (replicates.Length == 0) return Exact(point);
        var sorted = (double[])replicates.Clone();
        Array.Sort(sorted);
        double mean = sorted.Average();
        double sd = Math.Sqrt(sorted.Sum(r => (r - mean) * (r - mean)) / Math.Max(1, sorted.Length - 1));
        return new(point, sd, Percentile(sorted, 0.025), Percentile(sorted, 0.975));
    }

    /// <summary>Linear-interpolated percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 1) return sorted[0];
        double x = p * (sorted.Length - 1);
        int lo = (int)Math.Floor(x);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (x - lo) * (sorted[hi] - sorted[lo]);
    }
}
