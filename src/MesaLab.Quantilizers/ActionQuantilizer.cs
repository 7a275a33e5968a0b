namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// The quantilizer per action: in every state, sample from the base policy restricted to the top q of
/// its probability mass, the moves ranked by the proxy's exact Q-value on the level (BFS distance to the
/// goal), ties split proportionally. As q → 0 it approaches the proxy-optimal (shortest-path) policy.
/// Each step applies at most −log2 q bits, so an episode of T steps at most T·(−log2 q).
/// </summary>
public static class ActionQuantilizer
{
    public static CellPolicy Apply(CellPolicy basePolicy, GardenLevel level, double q)
    {
        TopQuantile.CheckQ(q);
        if (basePolicy.CellCount != level.CellCount) throw new ArgumentException("the base policy belongs to another level.", nameof(basePolicy));
        var p = new double[basePolicy.P.Length];
        Span<double> qv = stackalloc double[Moves.Count];
        Span<double> w = stackalloc double[Moves.Count];
        for (int c = 0; c < level.CellCount; c++)
        {
            for (int a = 0; a < Moves.Count; a++) qv[a] = level.ProxyQ(c, a);
            TopQuantile.Weights(qv, basePolicy.P.AsSpan(c * Moves.Count, Moves.Count), q, w);
            w.CopyTo(p.AsSpan(c * Moves.Count, Moves.Count));
        }
        return new CellPolicy($"{basePolicy.Name}·action-quantilized(q={q:G3})", p);
    }

    /// <summary>The proxy maximizer on the level: uniform over the moves with the best proxy Q-value (a shortest path).</summary>
    public static CellPolicy Maximizer(GardenLevel level)
    {
        var p = new double[level.CellCount * Moves.Count];
        for (int c = 0; c < level.CellCount; c++)
        {
            double best = double.NegativeInfinity;
            for (int a = 0; a < Moves.Count; a++) best = Math.Max(best, level.ProxyQ(c, a));
            int k = 0;
            for (int a = 0; a < Moves.Count; a++) if (level.ProxyQ(c, a) == best) k++;
            for (int a = 0; a < Moves.Count; a++) if (level.ProxyQ(c, a) == best) p[c * Moves.Count + a] = 1.0 / k;
        }
        return new CellPolicy($"shortest-path:{level.ProxyGoal.Name}", p);
    }
}
