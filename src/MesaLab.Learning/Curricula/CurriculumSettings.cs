namespace MesaLab.Learning;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// Which levels training plays (YAML section <c>curriculum:</c>). <c>kind: none</c> plays the split's levels in order,
/// each once; <c>regret_replay</c> is adversarial level design by prioritized level replay (Jiang et al. 2021): a
/// buffer of levels scored by the agent's regret on them, from which the next level is replayed with probability
/// <c>replay_probability</c>, the highest-regret levels most often. See docs/proposals.md.
/// </summary>
[ConfigSection("curriculum")]
public sealed record CurriculumSettings : ICheckedSettings
{
    public const string None = "none";
    public const string RegretReplay = "regret_replay";
    public static readonly IReadOnlyList<string> Kinds = [None, RegretReplay];

    /// <summary><c>none</c> (every episode on the next new level) or <c>regret_replay</c> (prioritized level replay scored by regret: exact on worlds whose objective is a goal cell, a lower-bound estimate on keys and chests).</summary>
    public string Kind { get; init; } = None;

    /// <summary>Levels the replay buffer holds; a newly scored level replaces the lowest-scored one when it scores higher.</summary>
    [Range(1, 1_000_000)] public int BufferSize { get; init; } = 256;

    /// <summary>Probability that an episode replays a buffered level rather than a new one (ρ in the paper).</summary>
    [Range(0.0, 1.0)] public double ReplayProbability { get; init; } = 0.5;

    /// <summary>Levels the buffer must hold before any is replayed.</summary>
    [Range(1, 1_000_000)] public int MinLevels { get; init; } = 32;

    /// <summary>Temperature β of rank prioritization: a buffered level's weight is (1/rank)^(1/β) (rank 1 = highest regret).</summary>
    [Range(0.0, 1000.0, MinimumIsExclusive = true)] public double Temperature { get; init; } = 0.3;

    /// <summary>Share λ of the replay distribution given by staleness (how long since a level was last played) instead of regret.</summary>
    [Range(0.0, 1.0)] public double Staleness { get; init; } = 0.1;

    public bool Enabled => Kind != None;

    public void Validate(string where)
    {
        foreach (var (field, problem) in Check()) throw new UserError($"{where}: curriculum.{field} {problem}.");
    }

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (!Kinds.Contains(Kind)) yield return ("kind", $"is '{Kind}', but it must be one of {string.Join(", ", Kinds)}");
        if (BufferSize < 1) yield return ("buffer_size", $"is {BufferSize}, but it must be at least 1");
        if (!(ReplayProbability >= 0 && ReplayProbability <= 1)) yield return ("replay_probability", $"is {ReplayProbability}, but it must be from 0 to 1");
        if (MinLevels < 1) yield return ("min_levels", $"is {MinLevels}, but it must be at least 1");
        if (!(Temperature > 0 && double.IsFinite(Temperature))) yield return ("temperature", $"is {Temperature}, but it must be above 0");
        if (!(Staleness >= 0 && Staleness <= 1)) yield return ("staleness", $"is {Staleness}, but it must be from 0 to 1");
    }
}
