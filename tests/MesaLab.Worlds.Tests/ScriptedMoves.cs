namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>A policy that plays a fixed list of moves (then the last one again) in instance 0, for hand-built scenes.</summary>
internal sealed class ScriptedMoves(params Move[] moves) : IPolicy
{
    private int next;

    public string Name => "scripted";
    public bool NeedsObservations => false;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> chosen)
    {
        for (int i = 0; i < batch.Count; i++) chosen[i] = moves[Math.Min(next, moves.Length - 1)];
        next++;
    }
}
