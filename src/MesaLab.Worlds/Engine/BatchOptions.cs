namespace MesaLab.Worlds;

/// <summary>How a <see cref="WorldBatch"/> chooses levels and handles episode ends.</summary>
public sealed record BatchOptions
{
    /// <summary>Reset an instance to its next level as soon as its episode ends (Gymnasium vector-env style).</summary>
    public bool AutoReset { get; init; } = true;

    /// <summary>Index of the first level handed out; later resets take the following indices in instance order.</summary>
    public long FirstLevelIndex { get; init; }

    /// <summary>If positive, level indices wrap modulo this many (a finite training set, as Procgen's num_levels).</summary>
    public long LevelCount { get; init; }

    /// <summary>
    /// Episodes an instance plays on one level before auto-reset takes the next level index: a trial (meta-RL). A
    /// recurrent learner may keep its memory across the episodes of a trial (<see cref="WorldBatch.EpisodeInTrial"/>).
    /// </summary>
    public int EpisodesPerTrial { get; init; } = 1;

    /// <summary>Canvas size override (0 = the split's largest level). Levels smaller than the canvas are centred in it.</summary>
    public int CanvasWidth { get; init; }

    /// <summary>Chooses the level after each automatic reset (null: the next index of the sequence).</summary>
    public ILevelCurriculum? Curriculum { get; init; }
    public int CanvasHeight { get; init; }
}
