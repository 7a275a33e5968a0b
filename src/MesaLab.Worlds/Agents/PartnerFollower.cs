namespace MesaLab.Worlds;

/// <summary>
/// A scripted agent that literally follows the partner of follow-the-leader: each step it moves one cell along a
/// shortest path towards the partner's current cell, and waits (pushing against a wall) once it stands on it. It
/// knows nothing of either beacon order, so it behaves as an agent that learned "go where the partner goes" — the
/// proxy — where the <c>partner</c> candidate's shortest-path agent heads for the partner's beacons directly. Where a
/// level has no partner it moves at random. Acting allocates nothing in steady state; deterministic from its seed.
/// </summary>
public sealed class PartnerFollower(ulong seed = 0) : IPolicy
{
    public const string AgentName = "follow-partner";

    private Rng rng = new(seed ^ 0xF011_0A7E_4UL);
    private int[] distance = [], queue = [];

    public string Name => AgentName;
    public bool NeedsObservations => false;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            int partner = batch.PartnerCell[i], cell = batch.AgentCell[i];
            if (partner < 0) { moves[i] = (Move)rng.Next(Moves.Count); continue; }
            if (distance.Length < level.CellCount) { distance = new int[level.Walls.Length]; queue = new int[level.Walls.Length]; }
            Bfs.Distances(level, new ReadOnlySpan<int>(in partner), distance, queue);
            moves[i] = Step(level, cell);
        }
    }

    private Move Step(Level level, int cell)
    {
        int d = distance[cell];
        if (d == Bfs.Unreachable) return (Move)rng.Next(Moves.Count);
        for (int m = 0; m < Moves.Count; m++)
        {
            int next = level.Neighbor(cell, (Move)m);
            if (d == 0 ? next == cell : next != cell && distance[next] == d - 1) return (Move)m;
        }
        return Move.Up;
    }
}
