namespace MesaLab.Learning;

using MesaLab.Worlds;

/// <summary>
/// The amplified overseer of imitative amplification on keys and chests (chests opened with keys), the counterpart of
/// <see cref="Amplifier"/> for a world whose state is more than the agent's cell: what a copy of the model sees and earns
/// along its walk depends on the keys it holds and the objects it has used. Asked "which move now, and how good is it?"
/// at every instance's current state, the overseer first takes its own cheap step: when a move opens a chest now (a key
/// is held and the chest is one move away) it names that move (value 1, the lowest such move index) without consulting
/// anyone. Otherwise it gives one sub-question per open move to a copy of the model: the copy's world is a clone of the
/// instance's state (<see cref="WorldBatch.CopyInstance"/>), stepped by the world's rules (keys picked up, chests opened,
/// objects consumed, the step limit), first by that move, then by the copy's own greedy moves for at most
/// <c>depth</c> moves, and the copy sees the real observation of each simulated state. One model call per state a copy
/// stands on gives its move and value; all copies of the batch that are still walking are asked in one forward pass
/// per walk step. A move scores the best discounted estimate along its copy's walk: γ^s when the copy's move 1 + s
/// opens a chest (the walk stops there), else γ^(1+s)·V (V clamped to [0, 1]) for the state after 1 + s moves; a walk
/// whose episode ends without an opening stops without a score. The overseer answers the best-scoring move (the lowest
/// move index on ties) and that score; when no move scores above 0 it defers to the model's own move and value at the
/// current state (one more call).
/// </summary>
public sealed class ChestAmplifier
{
    /// <summary>The model: greedy moves and values of the first <c>count</c> observations stacked in the buffer.</summary>
    public delegate void Model(ReadOnlySpan<float> observations, int count, Span<int> moves, Span<float> values);

    private readonly int depth;
    private readonly double gamma;
    private WorldBatch? walkers;
    private float[] walkerObs = [];
    private float[] gathered = [];
    private int[] gatheredMoves = [], slot = [];
    private float[] gatheredValues = [];
    private bool[] active = [];
    private double[] moveScore = [];

    public ChestAmplifier(int depth, double gamma)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), "the walk depth is at least 1.");
        if (!(gamma > 0 && gamma < 1)) throw new ArgumentOutOfRangeException(nameof(gamma), "γ must be in (0, 1).");
        this.depth = depth;
        this.gamma = gamma;
    }

    /// <summary>
    /// The overseer's answers for every instance of <paramref name="batch"/> at its current state: move, value and the
    /// model calls each used. <paramref name="observations"/> is the batch's current observation buffer (for deferring).
    /// </summary>
    public void Answer(WorldBatch batch, ReadOnlySpan<float> observations, Model model, Span<int> moves, Span<double> values, Span<int> calls)
    {
        int n = batch.Count, size = batch.ObservationSize, w4 = n * Moves.Count;
        if (walkers is null || walkers.Count != w4 || walkers.World != batch.World || walkers.CanvasWidth != batch.CanvasWidth || walkers.CanvasHeight != batch.CanvasHeight)
        {
            walkers = new WorldBatch(batch.Split, w4, 0, new BatchOptions { AutoReset = false, CanvasWidth = batch.CanvasWidth, CanvasHeight = batch.CanvasHeight });
            walkerObs = new float[w4 * size];
            gathered = new float[w4 * size];
            gatheredMoves = new int[w4];
            gatheredValues = new float[w4];
            slot = new int[w4];
            active = new bool[w4];
            moveScore = new double[w4];
        }
        Array.Clear(active);
        Array.Clear(moveScore);
        var resolved = new bool[n];
        for (int i = 0; i < n; i++)
        {
            moves[i] = -1; values[i] = 0; calls[i] = 0;
            var level = batch.Levels[i];
            var live = batch.LiveObjects(i);
            int cell = batch.AgentCell[i];
            if (batch.KeysHeld[i] > 0)
                for (int m = 0; m < Moves.Count && !resolved[i]; m++)
                {
                    int to = level.Neighbor(cell, (Move)m);
                    if (to != cell && (live[to] & CellObject.Chest) != 0) { moves[i] = m; values[i] = 1; resolved[i] = true; }
                }
            if (resolved[i]) continue;
            for (int m = 0; m < Moves.Count; m++)
            {
                if (level.Neighbor(cell, (Move)m) == cell) continue;
                int w = i * Moves.Count + m;
                walkers.CopyInstance(batch, i, w, walkerObs);
                walkers.StepOne(w, (Move)m, walkerObs);
                active[w] = true;
            }
        }
        double discount = gamma;   // γ^(1+s) for the state a copy stands on after 1 + s moves
        for (int s = 0; s <= depth; s++)
        {
            int count = 0;
            for (int w = 0; w < w4; w++)
            {
                if (!active[w]) continue;
                if ((walkers.Events[w] & StepEvents.OpenedChest) != 0)
                {
                    moveScore[w] = Math.Max(moveScore[w], discount / gamma);
                    active[w] = false;
                }
                else if (walkers.Terminated[w] || walkers.Truncated[w]) active[w] = false;
                else
                {
                    walkerObs.AsSpan(w * size, size).CopyTo(gathered.AsSpan(count * size, size));
                    slot[count++] = w;
                }
            }
            if (count == 0) break;
            model(gathered.AsSpan(0, count * size), count, gatheredMoves, gatheredValues);
            for (int j = 0; j < count; j++)
            {
                int w = slot[j];
                calls[w / Moves.Count]++;
                moveScore[w] = Math.Max(moveScore[w], discount * Math.Clamp(gatheredValues[j], 0f, 1f));
                if (s == depth) active[w] = false;
                else walkers.StepOne(w, (Move)gatheredMoves[j], walkerObs);
            }
            discount *= gamma;
        }
        int deferred = 0;
        for (int i = 0; i < n; i++)
        {
            if (resolved[i]) continue;
            int best = -1;
            double top = 0;
            for (int m = 0; m < Moves.Count; m++)
                if (moveScore[i * Moves.Count + m] > top) { top = moveScore[i * Moves.Count + m]; best = m; }
            if (best >= 0) { moves[i] = best; values[i] = top; }
            else
            {
                observations.Slice(i * size, size).CopyTo(gathered.AsSpan(deferred * size, size));
                slot[deferred++] = i;
            }
        }
        if (deferred == 0) return;
        model(gathered.AsSpan(0, deferred * size), deferred, gatheredMoves, gatheredValues);
        for (int j = 0; j < deferred; j++)
        {
            int i = slot[j];
            moves[i] = gatheredMoves[j];
            values[i] = Math.Clamp(gatheredValues[j], 0f, 1f);
            calls[i]++;
        }
    }
}
