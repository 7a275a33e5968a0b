namespace MesaLab.Worlds;

/// <summary>
/// Chooses the level an instance of a <see cref="WorldBatch"/> plays next when its episode ends (level replay,
/// adversarial level design). The batch asks after the ended episode's totals (<see cref="WorldBatch.FinalReturn"/>,
/// <see cref="WorldBatch.FinalLength"/>, <see cref="WorldBatch.FinalEvents"/>) are set and while
/// <see cref="WorldBatch.Levels"/> and <see cref="WorldBatch.EpisodeLevelIndex"/> still hold the ended episode's level.
/// </summary>
public interface ILevelCurriculum
{
    /// <param name="fresh">The next level index of the batch's own sequence; it is used up only when returned.</param>
    /// <returns>The index of the level instance <paramref name="instance"/> plays next: <paramref name="fresh"/> or one seen before.</returns>
    long NextLevel(WorldBatch batch, int instance, long fresh);
}
