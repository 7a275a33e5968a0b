namespace MesaLab.Analysis;

/// <summary>
/// How much of a figure's variation over runs comes from the training procedure and how much from the seed
/// (DESIGN.md §5, homogeneity): the one-way random-effects analysis of variance over procedures × seeds, with the
/// between-procedure variance σ²_b, the within-procedure (seed-to-seed) variance σ²_w and the intraclass correlation
/// ICC = σ²_b / (σ²_b + σ²_w). ICC near 0: runs of one procedure differ as much as runs of different procedures (the
/// seed decides); near 1: every procedure is homogeneous and the procedure decides. Intervals are 95 % percentile
/// intervals of the hierarchical bootstrap (seeds within procedures, then episodes).
/// </summary>
/// <param name="GrandMean">Mean of the procedure means.</param>
/// <param name="Between">σ²_b: variance of the procedures' true means (moment estimate, 0 when negative).</param>
/// <param name="Within">σ²_w: variance between seeds of one procedure (pooled over procedures).</param>
/// <param name="Icc">σ²_b / (σ²_b + σ²_w).</param>
public sealed record VarianceDecomposition(double GrandMean, Estimate Between, Estimate Within, Estimate Icc, int Procedures, int Runs)
{
    /// <summary>The decomposition of seeds grouped by procedure; not available with fewer than two procedures or no repeated seed.</summary>
    public static VarianceDecomposition Of(IReadOnlyList<IReadOnlyList<SeedFigure>> procedures, int replicates = HierarchicalBootstrap.DefaultReplicates,
        ulong seed = 0x1CC)
    {
        var groups = procedures.Select(p => (IReadOnlyList<SeedFigure>)p.Where(s => !double.IsNaN(s.Value)).ToList()).Where(g => g.Count > 0).ToList();
        int runs = groups.Sum(g => g.Count);
        if (groups.Count < 2 || runs <= groups.Count)
            return new VarianceDecomposition(double.NaN, Estimate.NotAvailable, Estimate.NotAvailable, Estimate.NotAvailable, groups.Count, runs);
        var point = Components([.. groups.Select(g => g.Select(s => s.Value).ToArray())]);
        var between = new List<double>(replicates);
        var within = new List<double>(replicates);
        var icc = new List<double>(replicates);
        HierarchicalBootstrap.Replicates(groups, values =>
        {
            var c = Components(values);
            between.Add(c.Between);
            within.Add(c.Within);
            icc.Add(c.Icc);
            return 0;
        }, replicates, seed);
        return new VarianceDecomposition(groups.Average(g => g.Average(s => s.Value)),
            Statistics.PercentileInterval(point.Between, between), Statistics.PercentileInterval(point.Within, within),
            Statistics.PercentileInterval(point.Icc, icc), groups.Count, runs);
    }

    /// <summary>
    /// σ²_b, σ²_w and the ICC of values grouped by procedure, by the analysis-of-variance (moment) estimator for
    /// unbalanced groups: σ²_w = MSW, σ²_b = max(0, (MSB − MSW) / n₀) with n₀ = (N − Σnᵢ²/N) / (k − 1).
    /// </summary>
    public static (double Between, double Within, double Icc) Components(IReadOnlyList<double[]> groups)
    {
        int k = groups.Count, n = groups.Sum(g => g.Length);
        if (k < 2 || n <= k) return (double.NaN, double.NaN, double.NaN);
        double grand = groups.Sum(g => g.Sum()) / n;
        double ssb = 0, ssw = 0, sumSq = 0;
        foreach (var g in groups)
        {
            double mean = g.Average();
            ssb += g.Length * (mean - grand) * (mean - grand);
            foreach (var v in g) ssw += (v - mean) * (v - mean);
            sumSq += (double)g.Length * g.Length;
        }
        double msb = ssb / (k - 1), msw = ssw / (n - k);
        double n0 = (n - sumSq / n) / (k - 1);
        double between = Math.Max(0, (msb - msw) / n0);
        double total = between + msw;
        return (between, msw, total > 0 ? between / total : double.NaN);
    }
}
