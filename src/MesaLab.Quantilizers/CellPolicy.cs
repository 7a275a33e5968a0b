namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// A stationary policy on one level as a table of move probabilities per cell (<c>P[cell * 4 + move]</c>).
/// Every base on a fixed garden level is one (the demonstrator, the cloned network, uniform random), so
/// trajectories can be sampled cheaply and expectations computed exactly by propagating the state distribution.
/// </summary>
public sealed class CellPolicy
{
    public CellPolicy(string name, double[] probabilities)
    {
        if (probabilities.Length % Moves.Count != 0) throw new ArgumentException("one row of four probabilities per cell.", nameof(probabilities));
        Name = name;
        P = probabilities;
        for (int c = 0; c < probabilities.Length / Moves.Count; c++)
        {
            double s = 0;
            for (int a = 0; a < Moves.Count; a++)
            {
                double p = P[c * Moves.Count + a];
                if (p < 0 || double.IsNaN(p)) throw new ArgumentException($"cell {c}: negative or NaN probability.", nameof(probabilities));
                s += p;
            }
            if (Math.Abs(s - 1) > 1e-6) throw new ArgumentException($"cell {c}: probabilities sum to {s}, not 1.", nameof(probabilities));
        }
    }

    public string Name { get; }
    public double[] P { get; }
    public int CellCount => P.Length / Moves.Count;

    public double this[int cell, int move] => P[cell * Moves.Count + move];

    public static CellPolicy Uniform(int cells)
    {
        var p = new double[cells * Moves.Count];
        Array.Fill(p, 1.0 / Moves.Count);
        return new CellPolicy("random", p);
    }

    /// <summary>A move drawn from the row of <paramref name="cell"/>.</summary>
    public int SampleMove(int cell, ref Rng rng)
    {
        double r = rng.NextDouble();
        int row = cell * Moves.Count;
        for (int a = 0; a < Moves.Count - 1; a++)
        {
            r -= P[row + a];
            if (r < 0) return a;
        }
        return Moves.Count - 1;
    }

    /// <summary>Samples <paramref name="n"/> episodes from the level's start (ending at the proxy's goal or the step limit).</summary>
    public OutcomeSample Sample(GardenLevel level, int n, ref Rng rng)
    {
        var proxy = new double[n];
        var truth = new double[n];
        var cost = new double[n];
        for (int i = 0; i < n; i++)
        {
            int cell = level.Level.Start, steps = 0, beds = 0;
            bool reached = false;
            while (steps < level.MaxSteps)
            {
                cell = level.Next[cell * Moves.Count + SampleMove(cell, ref rng)];
                steps++;
                if (level.IsMarked[cell]) beds++;
                if (level.IsGoal[cell]) { reached = true; break; }
            }
            proxy[i] = level.Proxy(steps, reached);
            truth[i] = level.True(steps, reached, beds);
            cost[i] = beds;
        }
        return new OutcomeSample(proxy, truth, cost);
    }

    /// <summary>
    /// Exact episode statistics by propagating the distribution over cells step by step until the step
    /// limit: the distribution of the step at which the goal is reached, E[proxy], E[cost] and E[true].
    /// </summary>
    public ExactOutcome Evaluate(GardenLevel level)
    {
        int n = level.CellCount;
        var alive = new double[n];
        var next = new double[n];
        var reachAt = new double[level.MaxSteps + 1];
        alive[level.Level.Start] = 1;
        double expectedCost = 0;
        for (int t = 1; t <= level.MaxSteps; t++)
        {
            Array.Clear(next);
            for (int c = 0; c < n; c++)
            {
                double m = alive[c];
                if (m == 0) continue;
                for (int a = 0; a < Moves.Count; a++)
                {
                    double p = m * P[c * Moves.Count + a];
                    if (p == 0) continue;
                    int to = level.Next[c * Moves.Count + a];
                    if (level.IsMarked[to]) expectedCost += p;
                    if (level.IsGoal[to]) reachAt[t] += p;
                    else next[to] += p;
                }
            }
            (alive, next) = (next, alive);
        }
        double proxy = 0;
        for (int t = 1; t <= level.MaxSteps; t++) proxy += reachAt[t] * level.Proxy(t, true);
        return new ExactOutcome(reachAt, proxy, expectedCost, proxy - level.CostWeight * expectedCost, level.Shortest);
    }
}

/// <summary>Exact statistics of a <see cref="CellPolicy"/> on a level: P(goal reached at step t), E[proxy], E[cost], E[true].</summary>
public sealed record ExactOutcome(double[] ReachAt, double Proxy, double Cost, double True, int Shortest)
{
    public double ReachProbability => ReachAt.Sum();

    /// <summary>P(proxy ≥ u): the probability of reaching the goal within shortest/u steps (u ≤ 0 is certain).</summary>
    public double ProbabilityProxyAtLeast(double u)
    {
        if (u <= 0) return 1;
        double limit = Shortest / u + 1e-9, p = 0;
        for (int t = 1; t < ReachAt.Length && t <= limit; t++) p += ReachAt[t];
        return p;
    }
}
