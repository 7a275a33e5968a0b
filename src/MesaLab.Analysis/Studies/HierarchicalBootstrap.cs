namespace MesaLab.Analysis;

/// <summary>
/// The two-stage (hierarchical) bootstrap of figures measured on several training seeds, each on many episodes:
/// a replicate resamples the seeds with replacement, then, for each drawn seed, its episodes (one of the seed's
/// episode-bootstrap replicates, <see cref="SeedFigure"/>). Its intervals include seed-to-seed variation as well as
/// the episode sampling error of each seed. Because both stages resample, the interval is slightly conservative
/// (its variance carries the episode term once more than the plain mean's, Davison and Hinkley 1997, §3.8):
/// with many episodes per seed that extra term is small.
/// </summary>
public static class HierarchicalBootstrap
{
    /// <summary>Replicates used when a caller gives no number.</summary>
    public const int DefaultReplicates = 2000;

    /// <summary>The mean of a figure over seeds with a 95 % percentile interval from the two-stage bootstrap.</summary>
    public static Estimate Mean(IReadOnlyList<SeedFigure> seeds, int replicates = DefaultReplicates, ulong seed = 0x5EED)
    {
        var usable = seeds.Where(s => !double.IsNaN(s.Value)).ToList();
        if (usable.Count == 0) return Estimate.NotAvailable;
        double value = usable.Average(s => s.Value);
        var draws = Replicates([usable], groups => groups[0].Average(), replicates, seed);
        return Statistics.PercentileInterval(value, draws);
    }

    /// <summary>
    /// The mean over seeds of each seed's mean over its values (levels, episodes), with the two-stage bootstrap's 95 %
    /// interval: every seed counts once, whatever its number of values. NaN values are left out; seeds with none are dropped.
    /// </summary>
    public static Estimate MeanOfMeans(IReadOnlyList<IReadOnlyList<double>> seeds, ulong seed, int replicates = DefaultReplicates)
    {
        var figures = seeds.Select(v => v.Where(x => !double.IsNaN(x)).ToArray()).Where(v => v.Length > 0)
            .Select((v, i) => SeedFigure.Mean(v, replicates, seed ^ (0x9E3779B97F4A7C15UL * (ulong)(i + 1)))).ToList();
        return Mean(figures, replicates, seed);
    }

    /// <summary>
    /// Replicates of a statistic of several groups of seeds (procedures): each replicate resamples the seeds within
    /// every group, draws each drawn seed's figure from its episode replicates, and applies
    /// <paramref name="statistic"/> to the resulting values (one array per group, in group order).
    /// </summary>
    public static double[] Replicates(IReadOnlyList<IReadOnlyList<SeedFigure>> groups, Func<IReadOnlyList<double[]>, double> statistic,
        int replicates, ulong seed)
    {
        var rng = new Rng(seed);
        var values = groups.Select(g => new double[g.Count]).ToArray();
        var result = new double[replicates];
        for (int b = 0; b < replicates; b++)
        {
            for (int g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                for (int i = 0; i < group.Count; i++) values[g][i] = group[rng.Next(group.Count)].Draw(ref rng);
            }
            result[b] = statistic(values);
        }
        return result;
    }
}
