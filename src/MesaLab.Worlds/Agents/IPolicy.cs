namespace MesaLab.Worlds;

/// <summary>
/// Anything that chooses one move per instance of a <see cref="WorldBatch"/>: scripted agents (which read
/// the batch's state directly) and learned policies (which read the observation buffer).
/// </summary>
public interface IPolicy
{
    /// <summary>A short name for reports, e.g. <c>shortest-path:arrow</c>, <c>random</c>, <c>run 12</c>.</summary>
    string Name { get; }

    /// <summary>Whether <see cref="Act"/> reads the observation buffer (if not, callers may skip writing it).</summary>
    bool NeedsObservations { get; }

    /// <summary>
    /// Chooses moves for every instance of <paramref name="batch"/> in its current state.
    /// <paramref name="observations"/> is the batch's observation buffer (empty when not needed).
    /// Deterministic for a given seed of the policy and sequence of calls.
    /// </summary>
    void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves);
}
