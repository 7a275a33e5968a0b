namespace MesaLab.Transparency;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>Settings of the search-likeness test (YAML section <c>search_likeness:</c>).</summary>
[ConfigSection("search_likeness")]
public sealed record SearchLikenessSettings
{
    /// <summary>Maze sides to test (square levels).</summary>
    [Range(2, 64)] public IReadOnlyList<int> Sizes { get; init; } = [4, 6, 8, 10, 12];

    /// <summary>Levels rolled out per maze side.</summary>
    [Range(1, 100_000)] public int LevelsPerSize { get; init; } = 30;

    /// <summary>Seed of the levels and the sampling (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;

    /// <summary>Take the most probable move instead of sampling the policy.</summary>
    public bool Greedy { get; init; }
}

/// <summary>One group of episodes (a maze size or a path-length bin): success and path efficiency, with the shortest-path agent's.</summary>
/// <param name="Efficiency">Mean over successful episodes of shortest distance / steps taken (1 = optimal).</param>
public sealed record SearchPoint(string Group, int Value, int Episodes, Estimate Success, double Efficiency, double ShortestPathSuccess, double ShortestPathEfficiency);

public sealed record SearchLikenessResult(string World, string Goal, IReadOnlyList<SearchPoint> BySize, IReadOnlyList<SearchPoint> ByPathLength, IReadOnlyList<string> Skipped);

/// <summary>
/// A behavioural hint of learned search: how the agent's success and path efficiency scale with maze size and with
/// the length of the shortest path, next to the shortest-path agent (which succeeds with efficiency 1 by construction).
/// A search-like policy degrades gracefully with size; a memorized heuristic collapses beyond the training sizes.
/// Levels have the arrow on the exit, so the base objective is the only goal.
/// </summary>
public static class SearchLikeness
{
    public static SearchLikenessResult Run(InspectableNetwork network, Split deploySplit, SearchLikenessSettings settings, Action<string>? log = null)
    {
        var world = deploySplit.World;
        var goal = world.BaseObjective(deploySplit);
        var all = new List<(int Size, int Distance, RolloutEpisode Episode)>();
        var bySize = new List<SearchPoint>();
        var skipped = new List<string>();
        foreach (int size in settings.Sizes)
        {
            var values = new Dictionary<string, object> { ["min_size"] = size, ["max_size"] = size };
            if (world.Parameter("arrow") is not null) { values["arrow"] = "on_exit"; values["randomized_fraction"] = 0.0; }
            if (world.Parameter("max_steps") is not null) values["max_steps"] = 0;
            Split split;
            try { split = deploySplit.With(values, "search-likeness", $"size-{size}"); }
            catch (UserError e) { skipped.Add($"size {size}: {e.Message}"); continue; }
            var generator = world.CreateGenerator(split);
            var levels = Enumerable.Range(0, settings.LevelsPerSize).Select(i => generator.Generate(settings.Seed, i)).ToList();
            RolloutEpisode[] episodes;
            try { episodes = NetworkRollout.Run(network, split, levels, new RolloutSettings { Greedy = settings.Greedy, Seed = settings.Seed }); }
            catch (UserError e) { skipped.Add($"size {size}: {e.Message}"); continue; }
            var dists = levels.Select(l => Bfs.DistancesTo(l, [FindGoal(l, goal)])[l.Start]).ToArray();
            for (int i = 0; i < levels.Count; i++) all.Add((size, dists[i], episodes[i]));
            bySize.Add(Point("maze_size", size, episodes, dists, goal));
            log?.Invoke($"size {size}: success {bySize[^1].Success.Value:F3}, efficiency {bySize[^1].Efficiency:F3}");
        }
        int[][] bins = [[1, 4], [5, 9], [10, 19], [20, 39], [40, int.MaxValue]];
        var byLength = bins.Select(b =>
        {
            var sel = all.Where(a => a.Distance >= b[0] && a.Distance <= b[1]).ToList();
            return sel.Count == 0 ? null : Point("path_length", b[0], [.. sel.Select(s => s.Episode)], [.. sel.Select(s => s.Distance)], goal);
        }).Where(p => p is not null).Select(p => p!).ToList();
        return new SearchLikenessResult(world.Name, goal.Name, bySize, byLength, skipped);
    }

    private static int FindGoal(Level l, CandidateObjective goal) => goal.Object == CellObject.None ? l.Corner : l.Find(goal.Object);

    private static SearchPoint Point(string group, int value, RolloutEpisode[] episodes, int[] dists, CandidateObjective goal)
    {
        var ok = Enumerable.Range(0, episodes.Length).Where(i => (episodes[i].Events & goal.Event) != 0).ToList();
        double eff = ok.Count == 0 ? 0 : ok.Average(i => dists[i] / (double)Math.Max(1, episodes[i].Length));
        return new SearchPoint(group, value, episodes.Length, Statistics.Wilson(ok.Count, episodes.Length), eff, 1.0, 1.0);
    }
}
