namespace MesaLab.Analysis;

/// <summary>
/// One seed's figure (one training run's deploy share, posterior, …): the value measured on its episodes and the
/// replicates of that value under resampling its episodes — the second stage of <see cref="HierarchicalBootstrap"/>.
/// </summary>
/// <param name="Value">The figure on all the run's episodes.</param>
/// <param name="Replicates">The figure on episode resamples (empty: the value is taken as exact).</param>
public sealed record SeedFigure(double Value, IReadOnlyList<double> Replicates)
{
    /// <summary>A figure known exactly (no episode-level sampling error).</summary>
    public static SeedFigure Exact(double value) => new(value, []);

    /// <summary>The mean of per-episode values, with <paramref name="replicates"/> episode-bootstrap replicates.</summary>
    public static SeedFigure Mean(IReadOnlyList<double> perEpisode, int replicates, ulong seed) =>
        Resampled(perEpisode.Count, indices =>
        {
            double s = 0;
            foreach (int i in indices) s += perEpisode[i];
            return s / indices.Length;
        }, replicates, seed);

    /// <summary>
    /// Any statistic of a run's episodes: <paramref name="figure"/> of all episode indices, and of
    /// <paramref name="replicates"/> resamples of them (with replacement, same size).
    /// </summary>
    public static SeedFigure Resampled(int episodes, Func<int[], double> figure, int replicates, ulong seed)
    {
        if (episodes <= 0) return new SeedFigure(double.NaN, []);
        double value = figure([.. Enumerable.Range(0, episodes)]);
        var rng = new Rng(seed);
        var draws = new double[replicates];
        var indices = new int[episodes];
        for (int b = 0; b < replicates; b++)
        {
            for (int i = 0; i < episodes; i++) indices[i] = rng.Next(episodes);
            draws[b] = figure(indices);
        }
        return new SeedFigure(value, draws);
    }

    /// <summary>One draw from the episode stage: a random replicate, or the value when there are none.</summary>
    internal double Draw(ref Rng rng) => Replicates.Count == 0 ? Value : Replicates[rng.Next(Replicates.Count)];
}
