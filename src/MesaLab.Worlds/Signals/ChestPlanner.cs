namespace MesaLab.Worlds;

/// <summary>
/// A training signal on keys and chests as a reward on (cell, keys held, move) given the objects left: the world's reward,
/// the overseer's approval or a reward linear in <see cref="ChestFeatures"/>. What <see cref="ChestPlanningAgent"/> plans
/// with for outer alignment there (the static <see cref="TransitionReward"/> tables cannot say what is left).
/// </summary>
public abstract class ChestSignal
{
    public abstract string Name { get; }

    /// <summary>Writes r at <c>rewards[(keys * n + cell) * 4 + move]</c> for keys 0 … <paramref name="maxKeys"/> and every cell, with <paramref name="objects"/> left.</summary>
    public abstract void Fill(Level level, ReadOnlySpan<CellObject> objects, int maxKeys, Span<double> rewards);

    /// <summary>The world's reward: 1 for a move that opens a chest (enters one holding a key).</summary>
    public static ChestSignal World { get; } = new Linear([0, 1, 0, 0, 0], "open chests (the world's reward)");

    /// <summary>The scripted overseer's approval (<see cref="ChestOverseer.Approves"/>).</summary>
    public static ChestSignal Approval { get; } = new ApprovalSignal();

    /// <summary>A reward linear in <see cref="ChestFeatures"/> (a learned reward model).</summary>
    public static ChestSignal LinearIn(IReadOnlyList<double> weights, string? name = null)
    {
        if (weights.Count != ChestFeatures.Count) throw new ArgumentException($"{ChestFeatures.Count} weights are needed, one per feature ({string.Join(", ", ChestFeatures.Names)}).", nameof(weights));
        return new Linear([.. weights], name ?? "linear reward " + string.Join(" ", ChestFeatures.Names.Select((f, i) => $"{f}={weights[i]:0.###}")));
    }

    private sealed class Linear(double[] w, string name) : ChestSignal
    {
        public override string Name => name;

        public override void Fill(Level level, ReadOnlySpan<CellObject> objects, int maxKeys, Span<double> rewards)
        {
            int n = level.CellCount;
            var toChest = new int[n];
            var toKey = new int[n];
            var queue = new int[n];
            Bfs.DistancesToObject(level, objects, CellObject.Chest, toChest, queue);
            Bfs.DistancesToObject(level, objects, CellObject.Key, toKey, queue);
            Span<double> phi = stackalloc double[ChestFeatures.Count];
            for (int k = 0; k <= maxKeys; k++)
                for (int c = 0; c < n; c++)
                    for (int a = 0; a < Moves.Count; a++)
                    {
                        // The reward the agent is paid in training: w·φ summed in feature order (TrainingSignal).
                        ChestFeatures.Fill(level, objects, toChest, toKey, c, k, (Move)a, phi);
                        double r = 0;
                        for (int j = 0; j < phi.Length; j++) r += w[j] * phi[j];
                        rewards[(k * n + c) * Moves.Count + a] = r;
                    }
        }
    }

    private sealed class ApprovalSignal : ChestSignal
    {
        public override string Name => "approval of moves along the overseer's plan (nearest key, then nearest chest)";

        public override void Fill(Level level, ReadOnlySpan<CellObject> objects, int maxKeys, Span<double> rewards)
        {
            int n = level.CellCount;
            var distance = new int[n];
            var queue = new int[n];
            // Approval depends on the keys held only through whether any is held.
            for (int k = 0; k <= Math.Min(1, maxKeys); k++)
                for (int c = 0; c < n; c++)
                    for (int a = 0; a < Moves.Count; a++)
                        rewards[(k * n + c) * Moves.Count + a] = ChestOverseer.Approves(level, objects, c, k, (Move)a, distance, queue) ? 1 : 0;
            for (int k = 2; k <= maxKeys; k++) rewards.Slice(n * Moves.Count, n * Moves.Count).CopyTo(rewards.Slice(k * n * Moves.Count, n * Moves.Count));
        }
    }
}

/// <summary>
/// The policy that (approximately) maximizes a <see cref="ChestSignal"/> on keys and chests, for outer alignment there.
/// Exact planning over every object is combinatorial, so it plans one leg at a time, receding-horizon: at the start and
/// whenever the objects left or the keys held change, it runs discounted value iteration over states (cell, whether a
/// key is held: keys held capped at <see cref="MaxKeys"/> = 1) with the objects left <em>frozen</em> (in the plan an
/// entered key stays where it is; holding a key changes by the world's rule) and a leg ending when a chest is opened
/// (value 0 after it, as <see cref="SignalPlanner"/> ends a plan where the world ends the episode), for a horizon of
/// twice the level's cells (the default step limit); between changes it follows the plan's greedy move, ties within
/// 1e-9 of the best broken at random from its seed. With γ = 0 it is the one-step greedy policy. An approximation: it is
/// optimal for the frozen model of the current leg, not for the whole episode in which entered objects are gone. Ending
/// the leg at an opening and capping the keys keep the frozen objects from being used again for free: otherwise a plan
/// for the world's reward would stack keys and reopen the same frozen chest (or bounce between a key and a chest next
/// to it), valuing what the real world does not pay.
/// </summary>
public sealed class ChestPlanningAgent(ChestSignal signal, double gamma, ulong seed = 0) : IPolicy
{
    public const int MaxKeys = 1;
    private const double Tie = 1e-9;
    private Rng rng = new(seed ^ 0xC4E5_7A1A_0000_0001UL);
    private double[][] q = [];
    private long[] planLevel = [];

    public string Name => "signal-optimal:" + signal.Name;
    public bool NeedsObservations => false;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        if (q.Length != batch.Count) { q = new double[batch.Count][]; planLevel = new long[batch.Count]; }
        Span<int> best = stackalloc int[Moves.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            if (batch.StepCount[i] == 0 || planLevel[i] != level.Index || q[i] is null || (batch.Events[i] & (StepEvents.PickedKey | StepEvents.OpenedChest)) != 0)
            {
                q[i] = Plan(level, batch.LiveObjects(i), signal, gamma);
                planLevel[i] = level.Index;
            }
            int n = level.CellCount, k = Math.Min(MaxKeys, batch.KeysHeld[i]), c = batch.AgentCell[i];
            var row = q[i].AsSpan((k * n + c) * Moves.Count, Moves.Count);
            double top = double.NegativeInfinity;
            foreach (double v in row) top = Math.Max(top, v);
            int count = 0;
            for (int a = 0; a < Moves.Count; a++) if (row[a] >= top - Tie) best[count++] = a;
            moves[i] = (Move)best[count == 1 ? 0 : rng.Next(count)];
        }
    }

    /// <summary>Q[(keys * n + cell) * 4 + move] of the frozen model (see the class).</summary>
    public static double[] Plan(Level level, ReadOnlySpan<CellObject> objects, ChestSignal signal, double gamma)
    {
        if (!(gamma >= 0 && gamma < 1)) throw new ArgumentOutOfRangeException(nameof(gamma), "γ must be in [0, 1).");
        int n = level.CellCount, states = n * (MaxKeys + 1);
        var r = new double[states * Moves.Count];
        signal.Fill(level, objects, MaxKeys, r);
        if (gamma == 0) return r;
        var next = new int[states * Moves.Count];   // −1: the move opens a chest and ends the leg
        for (int k = 0; k <= MaxKeys; k++)
            for (int c = 0; c < n; c++)
                for (int a = 0; a < Moves.Count; a++)
                {
                    int to = level.Neighbor(c, (Move)a), keys = k;
                    if (to != c && (objects[to] & CellObject.Key) != 0) keys = Math.Min(MaxKeys, k + 1);
                    else if (to != c && (objects[to] & CellObject.Chest) != 0 && k > 0) keys = -1;
                    next[(k * n + c) * Moves.Count + a] = keys < 0 ? -1 : keys * n + to;
                }
        var v = new double[states];
        var q = new double[states * Moves.Count];
        var fresh = new double[states];
        for (int h = 0; h < 2 * n; h++)
        {
            for (int s = 0; s < states; s++)
            {
                double top = double.NegativeInfinity;
                for (int a = 0; a < Moves.Count; a++)
                {
                    int t = s * Moves.Count + a;
                    double value = next[t] < 0 ? r[t] : r[t] + gamma * v[next[t]];
                    q[t] = value;
                    if (value > top) top = value;
                }
                fresh[s] = top;
            }
            (v, fresh) = (fresh, v);
        }
        return q;
    }
}
