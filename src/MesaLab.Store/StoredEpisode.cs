namespace MesaLab.Store;

/// <summary>One episode of an evaluation, with the caller's compact binary trajectory (actions, positions, events).</summary>
/// <param name="Index">Episode index within the evaluation (0-based, unique).</param>
/// <param name="LevelIndex">Index of the level in the split's level stream.</param>
/// <param name="LevelSeed">Seed of the level stream; with <paramref name="LevelIndex"/> it regenerates the level.</param>
/// <param name="Trajectory">Opaque bytes, encoded and decoded by the caller (the store never interprets them).</param>
public sealed record StoredEpisode(
    int Index,
    long LevelIndex,
    long LevelSeed,
    double Return,
    int Length,
    bool Terminated,
    bool Truncated,
    byte[] Trajectory);
