namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// Makes garden levels from a split: the world's generator, then the <see cref="FlowerBeds"/> overlay,
/// each a pure function of (seed, level index). Levels whose goal is fewer than
/// <see cref="MinimumShortest"/> steps from the start are skipped (too short to optimize), and so are levels
/// where no band of flower beds leaves a bed-free detour (the proxy and true utility could not come apart).
/// </summary>
public sealed class GardenLevels(Split split, CandidateObjective proxyGoal, FlowerBeds beds, double costWeight, ulong seed)
{
    public const int MinimumShortest = 4;
    private static readonly ulong BedStream = Rng.Hash("flower-beds");
    private readonly LevelGenerator generator = split.World.CreateGenerator(split);

    public Split Split => split;
    public CandidateObjective ProxyGoal => proxyGoal;

    /// <summary>The level at <paramref name="index"/>, or null if it is too short or has no goal.</summary>
    public GardenLevel? At(long index)
    {
        var level = generator.Generate(seed, index);
        var rng = Rng.ForLevel(seed, BedStream, index);
        if (!beds.Apply(level, proxyGoal, ref rng)) return null;
        var goals = Bfs.Goals(level, proxyGoal);
        if (goals.Length == 0) return null;
        int d = Bfs.DistancesTo(level, goals)[level.Start];
        if (d == Bfs.Unreachable || d < MinimumShortest) return null;
        return new GardenLevel(level, proxyGoal, generator.MaxSteps(level), costWeight);
    }

    /// <summary>The first <paramref name="count"/> usable levels from index <paramref name="first"/> on.</summary>
    public List<GardenLevel> Take(int count, long first)
    {
        var list = new List<GardenLevel>(count);
        for (long i = first; list.Count < count; i++)
        {
            if (i - first > 100L * count + 1000)
                throw new UserError($"quantilizer: world '{split.World.Name}' split '{split.Name}' gave almost no levels whose '{proxyGoal.Name}' goal is at least {MinimumShortest} steps from the start with a detour around the flower beds; use larger levels or raise quantilizer.loops.");
            if (At(i) is { } l) list.Add(l);
        }
        return list;
    }
}
