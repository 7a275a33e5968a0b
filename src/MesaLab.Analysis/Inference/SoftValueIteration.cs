namespace MesaLab.Analysis;

using MesaLab.Worlds;

/// <summary>
/// Exact soft value iteration for a Reach-style objective on one level with deterministic moves
/// (DESIGN.md §5): Q(s,a) = r + γ·V(s′), V(s) = (1/β)·log Σₐ exp(β·Q(s,a)), π(a|s) ∝ exp(β·Q(s,a)).
/// The objective is written in its shortest-path form — every step costs 1 until a goal cell is entered —
/// which has the same optimal policy as "+1 on reaching the goal" but keeps Q differences of order one at
/// any distance, so β means the same thing on small and large mazes. Once the goal is entered the objective
/// is achieved and the agent acts uniformly at no cost forever, so the goal's soft value is the entropy
/// bonus log 4 / (β(1−γ)) (without it, a low-β agent would avoid the goal to keep collecting entropy, and
/// likelihood would not grow with rationality). Entering a cell to avoid (lava, for every candidate but lava
/// itself) ends everything with the worst value −1/(1−γ). Cells are swept in order of distance to the goal
/// (Gauss–Seidel), starting from the hard shortest-path values, until the changes of a sweep span less than the tolerance (a uniform shift leaves the policy unchanged).
/// </summary>
public static class SoftValueIteration
{
    /// <summary>Number of sweeps of the last call on this thread (for benchmarks).</summary>
    [ThreadStatic] public static int LastSweeps;

    /// <summary>Sweeps and solves so far on this thread (for benchmarks).</summary>
    [ThreadStatic] public static long TotalSweeps, Solves;

    /// <summary>
    /// log π(a|s) for every cell and move, as <c>table[s * 4 + a]</c>. Goal cells (where the objective is
    /// already achieved) get the uniform log(1/4).
    /// </summary>
    /// <param name="next">Cell reached by each move: <c>next[s * 4 + a]</c>.</param>
    /// <param name="goal">Goal cells; entering one achieves the objective.</param>
    /// <param name="avoid">Cells whose entry ends the episode with value −1/(1−γ); may be null.</param>
    /// <param name="initial">Starting values (e.g. extrapolated from solutions at nearby β); null = hard shortest-path values.</param>
    /// <param name="values">Receives the converged soft values V(s) when given.</param>
    /// <param name="goalValues">Value of entering each goal cell when it is not the end of the objective but a
    /// subgoal (a key on the way to a chest: the soft value of that cell one stage later); null = achieved.</param>
    public static double[] LogPolicy(int[] next, bool[] goal, bool[]? avoid,
        double beta, double gamma, double tolerance = 1e-6, int maxSweeps = 10_000, double[]? initial = null, double[]? values = null, double[]? goalValues = null)
    {
        int n = goal.Length;
        double worst = -1 / (1 - gamma);
        double goalValue = Math.Log(Moves.Count) / (beta * (1 - gamma));
        var distance = HardDistances(next, goal, avoid);
        var order = Enumerable.Range(0, n).Where(s => !goal[s]).OrderBy(s => distance[s]).ToArray();
        var v = new double[n];
        for (int s = 0; s < n; s++)
            v[s] = goal[s] ? (goalValues?[s] ?? goalValue) : initial is not null ? initial[s] : distance[s] == int.MaxValue ? worst : -(1 - Math.Pow(gamma, distance[s])) / (1 - gamma) + Math.Pow(gamma, distance[s]) * goalValue;

        Span<double> q = stackalloc double[Moves.Count];
        int sweeps = 0;
        for (; sweeps < maxSweeps; sweeps++)
        {
            // The policy depends only on differences of values, and late sweeps mostly shift every value by
            // nearly the same amount (the entropy bonus accruing at rate γ), so stop on the span of the changes.
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (int s in order)
            {
                double vs = SoftMax(s, q);
                double d = vs - v[s];
                if (d < lo) lo = d;
                if (d > hi) hi = d;
                v[s] = vs;
            }
            if (hi - lo < tolerance) break;
        }
        LastSweeps = sweeps + 1;
        TotalSweeps += LastSweeps;
        Solves++;
        if (values is not null) v.CopyTo(values, 0);

        var table = new double[n * Moves.Count];
        double uniform = -Math.Log(Moves.Count);
        for (int s = 0; s < n; s++)
        {
            if (goal[s]) { for (int a = 0; a < Moves.Count; a++) table[s * 4 + a] = uniform; continue; }
            double vs = SoftMax(s, q);
            for (int a = 0; a < Moves.Count; a++) table[s * 4 + a] = beta * (q[a] - vs);
        }
        return table;

        double SoftMax(int s, Span<double> q)
        {
            double m = double.NegativeInfinity;
            for (int a = 0; a < Moves.Count; a++)
            {
                int t = next[s * 4 + a];
                double value = goal[t] ? (goalValues?[t] ?? goalValue) : avoid is not null && avoid[t] ? worst : v[t];
                q[a] = -1 + gamma * value;
                if (q[a] > m) m = q[a];
            }
            double sum = 0;
            for (int a = 0; a < Moves.Count; a++) sum += Math.Exp(beta * (q[a] - m));
            return m + Math.Log(sum) / beta;
        }
    }

    /// <summary>Moves to the nearest goal cell (int.MaxValue if none can be reached), not passing through cells to avoid.</summary>
    public static int[] HardDistances(int[] next, bool[] goal, bool[]? avoid)
    {
        int n = goal.Length;
        var d = new int[n];
        Array.Fill(d, int.MaxValue);
        // Reverse search over the move graph: d(s) = 1 + min over moves of d(next(s, a)).
        var preds = new List<int>[n];
        for (int s = 0; s < n; s++)
            for (int a = 0; a < Moves.Count; a++)
            {
                int t = next[s * 4 + a];
                if (t == s) continue;
                (preds[t] ??= []).Add(s);
            }
        var queue = new int[n];
        int head = 0, tail = 0;
        for (int s = 0; s < n; s++) if (goal[s]) { d[s] = 0; queue[tail++] = s; }
        while (head < tail)
        {
            int t = queue[head++];
            if (preds[t] is null) continue;
            foreach (int s in preds[t])
            {
                if (d[s] != int.MaxValue || goal[s]) continue;
                if (avoid is not null && avoid[s]) continue;
                d[s] = d[t] + 1;
                queue[tail++] = s;
            }
        }
        return d;
    }

    /// <summary>The move table of a level: <c>next[s * 4 + a]</c> = cell reached from s by move a (s itself at a wall).</summary>
    public static int[] MoveTable(Level level)
    {
        int n = level.CellCount;
        var next = new int[n * Moves.Count];
        for (int s = 0; s < n; s++)
            for (int a = 0; a < Moves.Count; a++) next[s * 4 + a] = level.Neighbor(s, (Move)a);
        return next;
    }
}
