namespace MesaLab.Quantilizers;

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
