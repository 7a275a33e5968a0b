namespace MesaLab.Worlds;

/// <summary>
/// A scripted agent that competently pursues one candidate objective: it follows an exact BFS distance map
/// to the nearest live goal of that candidate (the nearest remaining object for collect candidates; for
/// <c>chests</c>, while it holds no key, along the shortest path through a key to a chest), never entering lava unless lava is its goal. With
/// <c>epsilon</c> &gt; 0 it takes a uniformly random move with that probability (the ε-noisy version).
/// Distance maps are recomputed per instance only when an episode starts or its goal cells may have changed
/// (<see cref="StepEventSets.GoalsChanged"/>: something consumed, a beacon marker moved on), into
/// buffers owned by the agent, so acting allocates nothing. Deterministic from its seed.
/// </summary>
public sealed class ShortestPathAgent : IPolicy
{
    private readonly CandidateObjective candidate;
    private readonly double epsilon;
    private readonly bool keysFirst;
    private Rng rng;
    private WorldBatch? boundTo;
    private int[][] toGoal = [];
    private int[][] toKey = []; // chests only: the empty-handed (key-then-chest) map
    private int[] queue = [];
    private long[] mapLevel = [];
    private bool[] keyMapStale = []; // chests only: the empty-handed map is computed only when needed

    public ShortestPathAgent(CandidateObjective candidate, double epsilon = 0, ulong seed = 0)
    {
        if (!(epsilon >= 0 && epsilon <= 1)) throw new UserError($"--epsilon is {epsilon}, but it must be a probability between 0 and 1.");
        this.candidate = candidate;
        this.epsilon = epsilon;
        keysFirst = candidate.Object == CellObject.Chest;
        rng = new Rng(seed ^ 0x5407_7E57_0A7DUL);
        Name = "shortest-path:" + candidate.Name + (epsilon > 0 ? $" (ε={epsilon.ToString(System.Globalization.CultureInfo.InvariantCulture)})" : "");
    }

    public string Name { get; }
    public CandidateObjective Candidate => candidate;
    public double Epsilon => epsilon;
    public bool NeedsObservations => false;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        if (!ReferenceEquals(batch, boundTo)) Bind(batch);
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            // Keep the maps current even on noisy steps, so a consumption during a random move is not missed.
            if (batch.StepCount[i] == 0 || mapLevel[i] != level.Index || (batch.Events[i] & StepEventSets.GoalsChanged) != 0)
                Recompute(batch, i);
            if (epsilon > 0 && rng.NextDouble() < epsilon) { moves[i] = (Move)rng.Next(Moves.Count); continue; }
            if (keysFirst && batch.KeysHeld[i] == 0 && keyMapStale[i])
            {
                Bfs.ChestDistances(level, batch.LiveObjects(i), toGoal[i], toKey[i], queue);
                keyMapStale[i] = false;
            }
            moves[i] = keysFirst && batch.KeysHeld[i] == 0
                ? DownhillToKeyThenChest(level, batch.LiveObjects(i), toKey[i], toGoal[i], batch.AgentCell[i])
                : Downhill(level, toGoal[i], batch.AgentCell[i]);
        }
    }

    private Move Downhill(Level level, int[] map, int cell)
    {
        int d = map[cell];
        if (d == Bfs.Unreachable) return (Move)rng.Next(Moves.Count); // nothing left to pursue
        if (d == 0)
        {
            // On a goal that was not consumed: stay by pushing against a wall if there is one.
            for (int m = 0; m < Moves.Count; m++) if (!level.CanMove(cell, (Move)m)) return (Move)m;
            return Move.Up;
        }
        int w = level.Width;
        byte walls = level.Walls[cell];
        if ((walls & Walls.Up) == 0 && map[cell - w] == d - 1) return Move.Up;
        if ((walls & Walls.Down) == 0 && map[cell + w] == d - 1) return Move.Down;
        if ((walls & Walls.Left) == 0 && map[cell - 1] == d - 1) return Move.Left;
        return Move.Right;
    }

    /// <summary>Empty-handed towards a chest: the next cell is on a shortest key-then-chest path (its "holding" distance if it is a key).</summary>
    private Move DownhillToKeyThenChest(Level level, ReadOnlySpan<CellObject> objects, int[] withoutKey, int[] withKey, int cell)
    {
        int d = withoutKey[cell];
        if (d == Bfs.Unreachable || d == 0) return (Move)rng.Next(Moves.Count); // no key can reach a chest
        int w = level.Width;
        byte walls = level.Walls[cell];
        for (int m = 0; m < Moves.Count; m++)
        {
            if ((walls & Moves.WallBit[m]) != 0) continue;
            int y = cell + Moves.Dx[m] + Moves.Dy[m] * w;
            int dy = (objects[y] & CellObject.Key) != 0 ? withKey[y] : withoutKey[y];
            if (dy == d - 1) return (Move)m;
        }
        return (Move)rng.Next(Moves.Count);
    }

    private void Bind(WorldBatch batch)
    {
        int cap = batch.Levels[0].Walls.Length;
        toGoal = new int[batch.Count][];
        toKey = new int[batch.Count][];
        for (int i = 0; i < batch.Count; i++)
        {
            toGoal[i] = new int[cap];
            if (keysFirst) toKey[i] = new int[cap];
        }
        queue = new int[2 * cap];
        mapLevel = new long[batch.Count];
        Array.Fill(mapLevel, long.MinValue);
        keyMapStale = new bool[batch.Count];
        boundTo = batch;
    }

    private void Recompute(WorldBatch batch, int i)
    {
        var level = batch.Levels[i];
        int n = level.CellCount;
        if (toGoal[i].Length < n)
        {
            // A hand-built level larger than the split's levels (ResetInstance with a Level).
            toGoal[i] = new int[n];
            if (keysFirst) toKey[i] = new int[n];
            if (queue.Length < 2 * n) queue = new int[2 * n];
        }
        var objects = batch.LiveObjects(i);
        // The chest map alone is a plain BFS; the key-then-chest map (twice the work) waits until the agent holds no key.
        Bfs.DistancesToCandidate(level, objects, candidate, toGoal[i], queue);
        if (keysFirst) keyMapStale[i] = true;
        mapLevel[i] = level.Index;
    }
}
