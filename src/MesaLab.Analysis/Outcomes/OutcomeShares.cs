namespace MesaLab.Analysis;

/// <summary>Outcome shares of one group of episodes, each with a 95 % Wilson interval.</summary>
/// <param name="Group">What the group is: <c>all</c>, <c>side 8</c>, <c>shortest path 11–20</c>, <c>distinguishing levels</c>.</param>
/// <param name="Detour">Share of episodes that generalized after a detour to another candidate (<see cref="EpisodeOutcome.Detour"/>).</param>
public sealed record OutcomeShares(string Group, int Episodes, Estimate Generalized, Estimate Misgeneralized, Estimate CapabilityFailure,
    int GeneralizedCount, int MisgeneralizedCount, int CapabilityFailureCount, Estimate Detour = default, int DetourCount = 0)
{
    public static OutcomeShares Of(string group, IReadOnlyCollection<EpisodeOutcome> episodes)
    {
        int n = episodes.Count;
        int g = episodes.Count(e => e.Outcome == Outcome.ObjectiveGeneralized);
        int m = episodes.Count(e => e.Outcome == Outcome.ObjectiveMisgeneralized);
        int f = n - g - m;
        int d = episodes.Count(e => e.Outcome == Outcome.ObjectiveGeneralized && e.Detour);
        return new OutcomeShares(group, n, Statistics.Wilson(g, n), Statistics.Wilson(m, n), Statistics.Wilson(f, n), g, m, f, Statistics.Wilson(d, n), d);
    }

    public Estimate Share(Outcome o) => o switch
    {
        Outcome.ObjectiveGeneralized => Generalized,
        Outcome.ObjectiveMisgeneralized => Misgeneralized,
        _ => CapabilityFailure,
    };
}

/// <summary>
/// Outcome shares of an evaluation: overall, on distinguishing levels only (where no single efficient path serves
/// two candidates), by level side, and by the intended objective's shortest-path length (difficulty bins).
/// </summary>
public sealed record OutcomeTable(
    string World,
    string Split,
    string IntendedObjective,
    CompetenceCriterion Criterion,
    OutcomeShares All,
    OutcomeShares Distinguishing,
    IReadOnlyList<OutcomeShares> BySide,
    IReadOnlyList<OutcomeShares> ByShortestPath)
{
    /// <summary>Capability failures by reason (<see cref="EpisodeOutcome.FailureReason"/>), most frequent first.</summary>
    public IReadOnlyList<(string Reason, int Count)> FailureReasons { get; init; } = [];

    /// <summary>Upper ends of the shortest-path bins (the last bin is open).</summary>
    public static readonly int[] PathBins = [5, 10, 20, 40];

    public static OutcomeTable Of(IReadOnlyList<EpisodeOutcome> outcomes, CompetenceCriterion? criterion = null)
    {
        if (outcomes.Count == 0) throw new ArgumentException("no episodes to tabulate.", nameof(outcomes));
        var first = outcomes[0].Record;
        var cache = new LevelCache();
        var split = cache.SplitOf(first);
        var bySide = outcomes.GroupBy(o => o.LevelSide).OrderBy(g => g.Key)
            .Select(g => OutcomeShares.Of($"side {g.Key}", g.ToList())).ToList();
        var byPath = outcomes.GroupBy(o => PathBin(o.IntendedShortestPath)).OrderBy(g => g.Key)
            .Select(g => OutcomeShares.Of($"shortest path {PathBinLabel(g.Key)}", g.ToList())).ToList();
        return new OutcomeTable(first.World, first.Split, split.World.IntendedObjective(split).Name, criterion ?? CompetenceCriterion.Default,
            OutcomeShares.Of("all", outcomes),
            OutcomeShares.Of("distinguishing levels", outcomes.Where(o => !o.Ambiguous).ToList()),
            bySide, byPath)
        {
            FailureReasons = [.. outcomes.Where(o => o.FailureReason is not null).GroupBy(o => o.FailureReason!)
                .Select(g => (g.Key, g.Count())).OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal)],
        };
    }

    private static int PathBin(int d)
    {
        for (int i = 0; i < PathBins.Length; i++) if (d <= PathBins[i]) return i;
        return PathBins.Length;
    }

    private static string PathBinLabel(int bin) =>
        bin == 0 ? $"1–{PathBins[0]}" : bin < PathBins.Length ? $"{PathBins[bin - 1] + 1}–{PathBins[bin]}" : $"> {PathBins[^1]}";
}
