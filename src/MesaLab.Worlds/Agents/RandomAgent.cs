namespace MesaLab.Worlds;

/// <summary>A uniformly random agent: the "no coherent objective" baseline. Deterministic from its seed.</summary>
public sealed class RandomAgent(ulong seed) : IPolicy
{
    private Rng rng = new(seed ^ 0x5EED_0F_A11UL);

    public string Name => "random";
    public bool NeedsObservations => false;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        for (int i = 0; i < batch.Count; i++) moves[i] = (Move)rng.Next(Moves.Count);
    }
}
