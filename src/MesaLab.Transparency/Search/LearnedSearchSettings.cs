namespace MesaLab.Transparency;

/// <summary>Settings of the learned-search studies (YAML section <c>learned_search:</c>): test-time compute, value-map probes by iteration, goal edits mid-iteration, in-context learning.</summary>
[ConfigSection("learned_search")]
public sealed record LearnedSearchSettings : ICheckedSettings
{
    /// <summary>Maze sides of the test-time compute curve (square mazes, the arrow on the exit).</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [4, 6, 8, 10, 12];

    /// <summary>Levels rolled out per maze side and iteration scale.</summary>
    public int LevelsPerSize { get; init; } = 30;

    /// <summary>Multipliers of the iterations the network was trained with (K = iterations_per_side × side), used at test time.</summary>
    public IReadOnlyList<double> Scales { get; init; } = [0.5, 1, 2, 4];

    /// <summary>Take the most probable move instead of sampling the policy.</summary>
    public bool Greedy { get; init; }

    /// <summary>Levels of the inspection split whose per-cell states the value-map probes read (one state per level: the agent at its start).</summary>
    public int ProbeLevels { get; init; } = 60;

    /// <summary>The value-map probes read iterations 0..K × this (beyond 1: does the value map go on improving past the trained K?).</summary>
    public double ProbeScale { get; init; } = 2;

    /// <summary>Levels of the goal edit (the inspection split's sizes, the arrow on the exit, a target cell off both ways).</summary>
    public int EditLevels { get; init; } = 60;

    /// <summary>When the goal is moved, as fractions of K: 0 moves it before the first iteration, 1 never.</summary>
    public IReadOnlyList<double> EditFractions { get; init; } = [0, 0.25, 0.5, 0.75, 1];

    /// <summary>Trials of the in-context learning measure (recurrent runs): one level each, its goal hidden.</summary>
    public int Trials { get; init; } = 30;

    /// <summary>Episodes per trial of the in-context measure (0: the run's ppo.episodes_per_trial, at least 2).</summary>
    public int EpisodesPerTrial { get; init; }

    /// <summary>Seed of the levels, the sampling and the probes' split (the experiment's evaluation seed).</summary>
    [ConfigIgnore]
    public ulong Seed { get; init; } = 1;

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (Sizes.Count == 0 || Sizes.Any(s => s < 2 || s > 64)) yield return ("sizes", $"is [{string.Join(", ", Sizes)}], but it must list maze sides from 2 to 64");
        if (LevelsPerSize < 1) yield return ("levels_per_size", $"is {LevelsPerSize}, but it must be at least 1");
        if (Scales.Count == 0 || Scales.Any(s => !(s > 0 && s <= 64))) yield return ("scales", $"is [{string.Join(", ", Scales)}], but it must list multipliers above 0 and at most 64");
        if (ProbeLevels < 4) yield return ("probe_levels", $"is {ProbeLevels}, but it must be at least 4 (whole levels are held out)");
        if (!(ProbeScale > 0 && ProbeScale <= 64)) yield return ("probe_scale", $"is {ProbeScale}, but it must be above 0 and at most 64");
        if (EditLevels < 1) yield return ("edit_levels", $"is {EditLevels}, but it must be at least 1");
        if (Trials < 1) yield return ("trials", $"is {Trials}, but it must be at least 1");
        if (EpisodesPerTrial < 0) yield return ("episodes_per_trial", $"is {EpisodesPerTrial}, but it must be 0 (the run's own) or more");
        if (EditFractions.Count == 0 || EditFractions.Any(f => f < 0 || f > 1)) yield return ("edit_fractions", $"is [{string.Join(", ", EditFractions)}], but it must list fractions from 0 to 1");
    }
}
