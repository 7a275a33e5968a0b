namespace MesaLab.Experiments;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// The time-to-competence benchmark (YAML section <c>competence:</c>): train the experiment per seed until it reaches
/// 95 % success on held-out levels of its training split, and report time, steps, memory and the deploy outcome.
/// </summary>
[ConfigSection("competence")]
public sealed record CompetenceSettings
{
    /// <summary>Seeds trained (the experiment's seed and the next ones); the median is reported.</summary>
    [Range(1, 1000)]
    public int Seeds { get; init; } = 3;

    /// <summary>Give up on a seed after this much training time, in seconds.</summary>
    [Range(1, 1e7)]
    public double LimitSeconds { get; init; } = 300;

    /// <summary>Held-out train-split levels checked every <c>check_every_steps</c> environment steps.</summary>
    [Range(1, 1_000_000)]
    public int HeldOutLevels { get; init; } = 1000;

    /// <summary>Environment steps between held-out checks (rounded to whole updates).</summary>
    [Range(1, long.MaxValue)]
    public long CheckEverySteps { get; init; } = 25_000;

    /// <summary>Held-out success that counts as competent.</summary>
    [Range(0.0, 1.0)]
    public double Target { get; init; } = 0.95;
}
