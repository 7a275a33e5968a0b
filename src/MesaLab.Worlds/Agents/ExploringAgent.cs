namespace MesaLab.Worlds;

/// <summary>
/// A scripted agent that does not see the goal: it explores the maze depth first (neighbours in a seeded random order,
/// backtracking from dead ends) until an episode ends at the base objective, remembers the cell it stepped into, and
/// in later episodes walks the shortest path to that cell — until it is told to forget. With memory kept across a trial
/// it is the in-context learner by construction; made to forget every episode it explores afresh each time.
/// </summary>
public sealed class ExploringAgent(Split split, ulong seed) : IMemoryPolicy
{
    private readonly StepEvents goalEvent = split.World.BaseObjective(split).Event;
    private Rng rng = new(seed ^ 0xE8_9107EUL);
    private int[] remembered = [];          // per instance: the goal cell found (−1: none)
    private int[] heading = [];             // per instance: the cell the last move led to
    private List<int>[] path = [];          // per instance: the depth-first stack of this episode
    private HashSet<int>[] visited = [];

    public string Name => "exploring (remembers the goal)";
    public bool NeedsObservations => false;
    public bool ForgetsAtEpisodeStart { get; set; } = true;

    public void Forget(int instance)
    {
        if (instance >= remembered.Length) return;
        remembered[instance] = -1;
        heading[instance] = -1;
    }

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        if (remembered.Length != batch.Count)
        {
            remembered = [.. Enumerable.Repeat(-1, batch.Count)];
            heading = [.. Enumerable.Repeat(-1, batch.Count)];
            path = [.. Enumerable.Range(0, batch.Count).Select(_ => new List<int>())];
            visited = [.. Enumerable.Range(0, batch.Count).Select(_ => new HashSet<int>())];
        }
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            int here = batch.AgentCell[i];
            if (batch.StepCount[i] == 0)
            {
                // The episode that just ended at the goal ended on the cell the last move led to.
                if (heading[i] >= 0 && (batch.FinalEvents[i] & goalEvent) != 0) remembered[i] = heading[i];
                if (ForgetsAtEpisodeStart) remembered[i] = -1;
                path[i].Clear();
                visited[i].Clear();
            }
            visited[i].Add(here);
            Move move = remembered[i] >= 0 && remembered[i] < level.CellCount && Bfs.FirstMove(level, Bfs.DistancesTo(level, [remembered[i]]), here) is { } m
                ? m : Explore(level, i, here);
            moves[i] = move;
            heading[i] = level.CanMove(here, move) ? level.Neighbor(here, move) : here;
        }
    }

    /// <summary>The next depth-first move: to an unvisited open neighbour (random order), else back along the stack.</summary>
    private Move Explore(Level level, int i, int here)
    {
        Span<int> order = [0, 1, 2, 3];
        for (int k = 3; k > 0; k--) { int j = rng.Next(k + 1); (order[k], order[j]) = (order[j], order[k]); }
        foreach (int k in order)
        {
            var m = (Move)k;
            if (level.CanMove(here, m) && !visited[i].Contains(level.Neighbor(here, m)))
            {
                path[i].Add(here);
                return m;
            }
        }
        while (path[i].Count > 0)
        {
            int back = path[i][^1];
            path[i].RemoveAt(path[i].Count - 1);
            for (int k = 0; k < Moves.Count; k++)
                if (level.CanMove(here, (Move)k) && level.Neighbor(here, (Move)k) == back) return (Move)k;
        }
        return (Move)order[0];
    }
}
