namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// The quantilizer over whole trajectories: sample n trajectories from the base distribution, keep the
/// top q by proxy utility and pick uniformly among them, ties at the boundary split proportionally.
/// Its expectations are computed exactly on the sample (the top-q-fraction mean with fractional weight
/// on the boundary group); the sampling error comes from a bootstrap over the n base samples.
/// </summary>
public sealed class TrajectoryQuantilizer
{
    private readonly OutcomeSample sample;
    private readonly int[] order;       // sample indices by proxy, highest first
    private readonly int[] groupEnd;    // for each sorted position, the end of its tie group

    public TrajectoryQuantilizer(OutcomeSample sample)
    {
        if (sample.Count == 0) throw new ArgumentException("the base sample is empty.", nameof(sample));
        this.sample = sample;
        order = TopQuantile.SortDescending(sample.Proxy);
        groupEnd = new int[order.Length];
        for (int end = order.Length, i = order.Length - 1; i >= 0; i--)
        {
            if (i + 1 < order.Length && sample.Proxy[order[i]] != sample.Proxy[order[i + 1]]) end = i + 1;
            groupEnd[i] = end;
        }
    }

    public OutcomeSample Sample => sample;
    public int Count => order.Length;

    /// <summary>Throws a <see cref="UserError"/> unless q is in (0, 1] and n·q ≥ 1 (at least one whole sample kept).</summary>
    public static void Check(double q, int n, string where = "quantilizer")
    {
        TopQuantile.CheckQ(q, where);
        if (n * q < 1 - 1e-9)
        {
            string qs = q.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
            throw new UserError($"{where}: n = {n} base samples are too few for q = {qs} (n·q = {(n * q).ToString("G3", System.Globalization.CultureInfo.InvariantCulture)} < 1); raise n to at least {Math.Ceiling(1 / q - 1e-9)} or use a larger q.");
        }
    }

    /// <summary>The quantilizer's probability of each base sample (sums to 1).</summary>
    public double[] Weights(double q)
    {
        Check(q, Count);
        var w = new double[Count];
        var mass = new double[Count];
        Array.Fill(mass, 1.0);
        TopQuantile.Weights(sample.Proxy, mass, q, w);
        return w;
    }

    /// <summary>E_Q[metric] on the sample: exact for the empirical base distribution.</summary>
    public double Expect(double q, Metric metric)
    {
        Check(q, Count);
        return Walk(q, sample.Of(metric), null, Count);
    }

    /// <summary>
    /// Bootstrap replicates of E_Q[metric] for each q (rows: q, columns: replicate): the base sample is
    /// resampled with replacement and the quantilizer recomputed, so threshold noise is included.
    /// </summary>
    public double[][][] Bootstrap(IReadOnlyList<double> qs, int replicates, ref Rng rng)
    {
        foreach (var q in qs) Check(q, Count);
        var result = new double[qs.Count][][];
        for (int k = 0; k < qs.Count; k++)
        {
            result[k] = new double[3][];
            for (int m = 0; m < 3; m++) result[k][m] = new double[replicates];
        }
        var counts = new int[Count];
        for (int b = 0; b < replicates; b++)
        {
            Array.Clear(counts);
            for (int i = 0; i < Count; i++) counts[rng.Next(Count)]++;
            for (int k = 0; k < qs.Count; k++)
                for (int m = 0; m < 3; m++)
                    result[k][m][b] = Walk(qs[k], sample.Of((Metric)m), counts, Count);
        }
        return result;
    }

    /// <summary>
    /// Top-q mean of <paramref name="values"/> over sorted positions with multiplicities <paramref name="counts"/>
    /// (null = every sample once): whole tie groups while they fit, a proportional fraction of the boundary group.
    /// </summary>
    private double Walk(double q, double[] values, int[]? counts, int total)
    {
        double budget = q * total, above = 0, sum = 0;
        int i = 0;
        while (i < order.Length && above < budget * (1 - 1e-12))
        {
            int end = groupEnd[i];
            double groupMass = 0, groupSum = 0;
            for (int k = i; k < end; k++)
            {
                double c = counts is null ? 1 : counts[k];
                groupMass += c;
                groupSum += c * values[order[k]];
            }
            if (groupMass > 0)
            {
                double take = Math.Min(1.0, (budget - above) / groupMass);
                sum += take * groupSum;
                above += take * groupMass;
            }
            i = end;
        }
        return sum / budget;
    }

    /// <summary>One draw from the quantilizer: the index of a base sample (uniform over the top q, boundary ties proportional).</summary>
    public int Pick(double q, ref Rng rng)
    {
        Check(q, Count);
        double budget = q * Count;
        // Whole groups that fit, then the boundary group.
        int full = 0;
        while (full < order.Length && groupEnd[full] <= budget + 1e-9) full = groupEnd[full];
        double r = rng.NextDouble() * budget;
        if (r < full || full == order.Length) return order[Math.Min((int)r, order.Length - 1)];
        int boundaryEnd = groupEnd[full];
        int pos = full + (int)((r - full) / (budget - full) * (boundaryEnd - full));
        return order[Math.Min(pos, boundaryEnd - 1)];
    }
}
