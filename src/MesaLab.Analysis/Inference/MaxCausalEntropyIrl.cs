namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>Fitted weights of a linear reward over the candidates' features (maximum-causal-entropy IRL).</summary>
/// <param name="Weights">Weight of each candidate's progress feature: reward per step of approach to its goal.</param>
/// <param name="LogLikelihood">Σ log π_w(a|s) of the actions used, at the fitted weights.</param>
/// <param name="RandomLogLikelihood">The same for the uniform policy (w = 0).</param>
public sealed record RewardWeights(IReadOnlyDictionary<string, double> Weights, double LogLikelihood, double RandomLogLikelihood, int Episodes, int Steps, int Iterations);

/// <summary>
/// Maximum-causal-entropy inverse RL (Ziebart 2010) for agents that may mix objectives. The reward is linear over
/// one feature per candidate — its progress, the decrease of the shortest-path distance to the candidate's nearest
/// goal cell in the level's initial state (+1 for a step toward it, −1 away, 0 for a bump); for chests the goal
/// cells are the chests themselves, so the chests and keys features differ — and a weight is "reward per step of
/// approach". Undiscounted and finite-horizon, like the feature counts: for weights w and an episode of T steps,
/// backward soft value iteration over cells gives Q_t(s,a) = r_w(s,a) + V_{t+1}(s′), V_t(s) = log Σₐ exp Q_t(s,a),
/// V_T = 0, and the policy π_t(a|s) = exp(Q_t(s,a) − V_t(s)). The causal log-likelihood Σₜ log π_t(aₜ|sₜ) is then
/// concave in w with gradient exactly the empirical minus the expected feature counts (the latter propagated
/// forward from the episode's start with π_t). Gradient ascent with step halving on a drop.
/// </summary>
public sealed class MaxCausalEntropyIrl(LevelCache? cache = null)
{
    private readonly LevelCache cache = cache ?? new LevelCache();

    /// <summary>At most this many episodes (the first ones) enter the fit.</summary>
    public int MaxEpisodes { get; init; } = 20;

    /// <summary>Only the first this many steps of each episode enter the fit (the horizon of its soft value iteration).</summary>
    public int MaxSteps { get; init; } = 200;

    public int Iterations { get; init; } = 40;

    public RewardWeights Fit(IReadOnlyList<EpisodeRecord> records)
    {
        if (records.Count == 0) throw new ArgumentException("no episodes to analyse.", nameof(records));
        var candidates = cache.SplitOf(records[0]).World.Candidates;
        int K = candidates.Count;
        var eps = Episodes(records);
        int steps = eps.Sum(e => e.Steps);
        var w = new double[K];
        double lr = 1.0;
        var (ll, grad) = Evaluate(eps, w);
        double llRandom = steps * -Math.Log(Moves.Count);
        int it = 0;
        for (; it < Iterations; it++)
        {
            double norm = Math.Sqrt(grad.Sum(g => g * g)) / Math.Max(1, steps);
            if (norm < 1e-4) break;
            var trial = w.Select((x, k) => x + lr * grad[k] / Math.Max(1, steps)).ToArray();
            var (llT, gradT) = Evaluate(eps, trial);
            if (llT >= ll) { w = trial; ll = llT; grad = gradT; lr *= 1.5; }
            else lr *= 0.5;
        }
        var weights = new Dictionary<string, double>();
        for (int k = 0; k < K; k++) weights[candidates[k].Name] = w[k];
        return new RewardWeights(weights, ll, llRandom, eps.Count, steps, it);
    }

    /// <summary>The causal log-likelihood of <paramref name="records"/> at weights <paramref name="w"/> (one per candidate) and its gradient.</summary>
    public (double LogLikelihood, double[] Gradient) LogLikelihood(IReadOnlyList<EpisodeRecord> records, double[] w) => Evaluate(Episodes(records), w);

    /// <summary>Each candidate's progress feature for every cell and move of a recorded episode's level: [candidate][cell * 4 + move].</summary>
    public double[][] Features(EpisodeRecord r)
    {
        var facts = cache.Get(r);
        return Episode.FeaturesOf(facts.Level, facts.Split.World);
    }

    private List<Episode> Episodes(IReadOnlyList<EpisodeRecord> records)
    {
        var world = cache.SplitOf(records[0]).World;
        return [.. records.Take(MaxEpisodes).Select(r => new Episode(r, cache.Get(r).Level, world, MaxSteps))];
    }

    private static (double LogLikelihood, double[] Gradient) Evaluate(List<Episode> eps, double[] w)
    {
        var grad = new double[w.Length];
        double ll = 0;
        foreach (var e in eps) ll += e.Accumulate(w, grad);
        return (ll, grad);
    }

    private sealed class Episode
    {
        private readonly int n, start;
        private readonly int[] next;
        private readonly double[][] feature; // [k][s*4+a]
        private readonly int[] cells, actions;

        public Episode(EpisodeRecord r, Level level, World world, int maxSteps)
        {
            n = level.CellCount;
            start = r.Start;
            next = SoftValueIteration.MoveTable(level);
            feature = FeaturesOf(level, world);
            Steps = Math.Min(r.Length, maxSteps);
            cells = new int[Steps];
            actions = new int[Steps];
            for (int t = 0; t < Steps; t++)
            {
                cells[t] = r.CellBefore(t);
                actions[t] = (int)r.Actions[t];
            }
        }

        public int Steps { get; }

        public static double[][] FeaturesOf(Level level, World world)
        {
            int n = level.CellCount;
            var next = SoftValueIteration.MoveTable(level);
            var objects = level.Objects.AsSpan(0, n);
            var hazards = GoalDistances.StaticHazards(world);
            var features = new double[world.Candidates.Count][];
            for (int k = 0; k < features.Length; k++)
            {
                // keysHeld: 1, so that the goal cells of chests are chests (not the keys an empty-handed agent needs first).
                var goal = GoalDistances.GoalCells(level, world.Candidates[k], objects, keysHeld: 1);
                var d = GoalDistances.To(level, goal, objects, hazards);
                var f = features[k] = new double[n * 4];
                for (int s = 0; s < n; s++)
                    for (int a = 0; a < 4; a++)
                    {
                        int t = next[s * 4 + a];
                        f[s * 4 + a] = d[s] == Bfs.Unreachable || d[t] == Bfs.Unreachable ? 0 : d[s] - d[t];
                    }
            }
            return features;
        }

        /// <summary>Adds this episode's empirical minus expected feature counts to <paramref name="grad"/>; returns its causal log-likelihood.</summary>
        public double Accumulate(double[] w, double[] grad)
        {
            int T = Steps;
            var r = new double[n * 4];
            for (int k = 0; k < w.Length; k++)
                if (w[k] != 0) for (int i = 0; i < r.Length; i++) r[i] += w[k] * feature[k][i];
            // Backward: log π_t for t = T−1 … 0, with V_T = 0.
            var logPi = new double[T][];
            var v = new double[n];
            var vPrev = new double[n];
            Span<double> q = stackalloc double[4];
            for (int t = T - 1; t >= 0; t--)
            {
                var lp = logPi[t] = new double[n * 4];
                for (int s = 0; s < n; s++)
                {
                    double m = double.NegativeInfinity;
                    for (int a = 0; a < 4; a++)
                    {
                        q[a] = r[s * 4 + a] + v[next[s * 4 + a]];
                        if (q[a] > m) m = q[a];
                    }
                    double sum = 0;
                    for (int a = 0; a < 4; a++) sum += Math.Exp(q[a] - m);
                    double vs = m + Math.Log(sum);
                    for (int a = 0; a < 4; a++) lp[s * 4 + a] = q[a] - vs;
                    vPrev[s] = vs;
                }
                (v, vPrev) = (vPrev, v);
            }
            double ll = 0;
            for (int t = 0; t < T; t++)
            {
                int sa = cells[t] * 4 + actions[t];
                ll += logPi[t][sa];
                for (int k = 0; k < w.Length; k++) grad[k] += feature[k][sa];
            }
            // Forward: expected feature counts under π_t from the start.
            var d = new double[n];
            var d2 = new double[n];
            d[start] = 1;
            for (int t = 0; t < T; t++)
            {
                Array.Clear(d2);
                var lp = logPi[t];
                for (int s = 0; s < n; s++)
                {
                    double p = d[s];
                    if (p == 0) continue;
                    for (int a = 0; a < 4; a++)
                    {
                        double pa = p * Math.Exp(lp[s * 4 + a]);
                        d2[next[s * 4 + a]] += pa;
                        for (int k = 0; k < w.Length; k++) grad[k] -= pa * feature[k][s * 4 + a];
                    }
                }
                (d, d2) = (d2, d);
            }
            return ll;
        }
    }
}
