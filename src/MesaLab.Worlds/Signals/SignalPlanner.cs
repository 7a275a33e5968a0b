namespace MesaLab.Worlds;

/// <summary>
/// The policy that optimally maximizes a training signal on one level, by exact value iteration over its cells:
/// Q(c, a) = r(c, a) + γ·V(c′), with V = 0 after a move that ends the episode (entering a goal cell of the split's base
/// objective, as the world ends it), V(c) = maxₐ Q(c, a), iterated until no value changes by more than 1e-12 (γ &lt; 1;
/// γ = 0 is the one-step greedy policy). It is the β → ∞ limit of soft value iteration: every move within 1e-9 of the
/// best is optimal, and <see cref="Rollout"/> breaks such ties uniformly at random from its seed.
/// </summary>
public sealed class SignalPlanner
{
    private const double Tie = 1e-9;

    public SignalPlanner(Level level, TransitionReward signal, CandidateObjective baseObjective, double gamma)
    {
        if (!(gamma >= 0 && gamma < 1)) throw new ArgumentOutOfRangeException(nameof(gamma), "γ must be in [0, 1).");
        Level = level;
        int n = level.CellCount;
        var r = signal.Table(level);
        var ends = new bool[n];
        foreach (int g in Bfs.Goals(level, baseObjective)) ends[g] = true;
        Ends = ends;
        var v = new double[n];
        Q = new double[n * Moves.Count];
        for (int iteration = 0; iteration < 100_000; iteration++)
        {
            double change = 0;
            for (int c = 0; c < n; c++)
            {
                double best = double.NegativeInfinity;
                for (int a = 0; a < Moves.Count; a++)
                {
                    int next = level.Neighbor(c, (Move)a);
                    double q = r[c * Moves.Count + a] + (next != c && ends[next] ? 0 : gamma * v[next]);
                    Q[c * Moves.Count + a] = q;
                    if (q > best) best = q;
                }
                change = Math.Max(change, Math.Abs(best - v[c]));
                v[c] = best;
            }
            if (gamma == 0 || change < 1e-12) break;
        }
        V = v;
    }

    public Level Level { get; }

    /// <summary>Optimal action values, <c>Q[cell * 4 + move]</c>.</summary>
    public double[] Q { get; }

    public double[] V { get; }

    /// <summary>Cells whose entry ends the episode (the base objective's goal cells).</summary>
    public IReadOnlyList<bool> Ends { get; }

    /// <summary>
    /// Plays the optimal policy from the level's start until it enters a cell that ends the episode or takes
    /// <paramref name="maxSteps"/> moves; ties between optimal moves are broken at random from <paramref name="rng"/>.
    /// </summary>
    /// <returns>The visited cells, the start first.</returns>
    public List<int> Rollout(int maxSteps, ref Rng rng)
    {
        var cells = new List<int> { Level.Start };
        int c = Level.Start;
        Span<int> best = stackalloc int[Moves.Count];
        for (int t = 0; t < maxSteps; t++)
        {
            double top = double.NegativeInfinity;
            for (int a = 0; a < Moves.Count; a++) top = Math.Max(top, Q[c * Moves.Count + a]);
            int count = 0;
            for (int a = 0; a < Moves.Count; a++) if (Q[c * Moves.Count + a] >= top - Tie) best[count++] = a;
            int move = best[count == 1 ? 0 : rng.Next(count)];
            c = Level.Neighbor(c, (Move)move);
            cells.Add(c);
            if (Ends[c]) break;
        }
        return cells;
    }
}
