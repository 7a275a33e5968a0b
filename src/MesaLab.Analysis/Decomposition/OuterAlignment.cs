namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Outer alignment measured behaviourally (DESIGN.md §5, the four axes): does the base objective, optimized
/// perfectly, give the intended behaviour? On every recorded level, a shortest-path agent toward the base objective
/// and one toward the intended objective are played; the value is the intended-objective return the first earns,
/// as a share of what the second earns. 1 exactly when the world declares the two objectives equal.
/// </summary>
public static class OuterAlignment
{
    /// <param name="records">Episodes whose levels to use (typically the deploy evaluation).</param>
    public static Estimate Measure(IReadOnlyList<EpisodeRecord> records, CandidateObjective baseObjective, CandidateObjective intendedObjective,
        LevelCache? cache = null, int bootstrap = 1000, ulong seed = 0x0A7E)
    {
        if (string.Equals(baseObjective.Name, intendedObjective.Name, StringComparison.OrdinalIgnoreCase)) return Estimate.Exact(1);
        if (records.Count == 0) return Estimate.NotAvailable;
        cache ??= new LevelCache();
        var byBase = new double[records.Count];
        var byIntended = new double[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var facts = cache.Get(records[i]);
            byBase[i] = IntendedReturn(Episode.Record(facts.Split, facts.Level, new ShortestPathAgent(baseObjective)), intendedObjective);
            byIntended[i] = IntendedReturn(Episode.Record(facts.Split, facts.Level, new ShortestPathAgent(intendedObjective)), intendedObjective);
        }
        double Ratio(IEnumerable<int> idx)
        {
            double a = 0, b = 0;
            foreach (int i in idx) { a += byBase[i]; b += byIntended[i]; }
            return b > 0 ? a / b : double.NaN;
        }
        var rng = new Rng(seed);
        var reps = new double[bootstrap];
        var sample = new int[records.Count];
        for (int k = 0; k < bootstrap; k++)
        {
            for (int j = 0; j < sample.Length; j++) sample[j] = rng.Next(sample.Length);
            reps[k] = Ratio(sample);
        }
        return Statistics.PercentileInterval(Ratio(Enumerable.Range(0, records.Count)), reps);
    }

    private static double IntendedReturn(Episode e, CandidateObjective intended)
    {
        int n = e.Events.Count(ev => (ev & intended.Event) != 0);
        return intended.Kind == ObjectiveKind.Reach ? Math.Min(1, n) : n;
    }
}
