namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>Fitted weights of a linear reward over the candidates' features (maximum-causal-entropy IRL).</summary>
/// <param name="Weights">Weight of each candidate's progress feature: reward per step of approach to its goal.</param>
/// <param name="LogLikelihood">Σ log π_w(a|s) of the actions used, at the fitted weights.</param>
/// <param name="RandomLogLikelihood">The same for the uniform policy (w = 0).</param>
public sealed record RewardWeights(IReadOnlyDictionary<string, double> Weights, double LogLikelihood, double RandomLogLikelihood, int Episodes, int Steps, int Iterations);

/// <summary>
/// Maximum-causal-entropy inverse RL (Ziebart 2010) for agents that may mix objectives. The reward is linear
/// over one feature per candidate — its progress, the decrease of the shortest-path distance to the candidate's
/// nearest goal cell in the level's initial state (+1 for a step toward it, −1 away, 0 for a bump) — so a
/// weight is "reward per step of approach". For weights w the soft-optimal policy (soft value iteration over
/// cells, β absorbed into w, discount <see cref="Gamma"/>) is computed on every level; the gradient of the
/// causal log-likelihood is the empirical minus the expected feature counts, the latter propagated forward
/// from each episode's start for as many steps as it lasted. Gradient ascent with step halving.
/// </summary>
public sealed class MaxCausalEntropyIrl(LevelCache? cache = null)
{
    private readonly LevelCache cache = cache ?? new LevelCache();

    public double Gamma { get; init; } = 0.9;

    /// <summary>At most this many episodes (the first ones) enter the fit.</summary>
    public int MaxEpisodes { get; init; } = 20;

    /// <summary>Only the first this many steps of each episode enter the fit (empirical and expected counts alike).</summary>
    public int MaxSteps { get; init; } = 200;

    public int Iterations { get; init; } = 40;

    public RewardWeights Fit(IReadOnlyList<EpisodeRecord> records)
    {
        if (records.Count == 0) throw new ArgumentException("no episodes to analyse.", nameof(records));
        var split = cache.SplitOf(records[0]);
        var candidates = split.World.Candidates;
        int K = candidates.Count;
        var eps = records.Take(MaxEpisodes).Select(r => new Episode(r, cache.Get(r), candidates, MaxSteps)).ToList();
        int steps = eps.Sum(e => e.Steps);
        var emp = new double[K];
        foreach (var e in eps) for (int k = 0; k < K; k++) emp[k] += e.Empirical[k];

        var w = new double[K];
        double lr = 1.0;
        var (ll, grad) = Evaluate(eps, w, emp, K);
        double llRandom = steps * -Math.Log(Moves.Count);
        int it = 0;
        for (; it < Iterations; it++)
        {
            double norm = Math.Sqrt(grad.Sum(g => g * g)) / Math.Max(1, steps);
            if (norm < 1e-4) break;
            var trial = w.Select((x, k) => x + lr * grad[k] / Math.Max(1, steps)).ToArray();
            var (llT, gradT) = Evaluate(eps, trial, emp, K);
            if (llT >= ll) { w = trial; ll = llT; grad = gradT; lr *= 1.5; }
            else lr *= 0.5;
        }
        var weights = new Dictionary<string, double>();
        for (int k = 0; k < K; k++) weights[candidates[k].Name] = w[k];
        return new RewardWeights(weights, ll, llRandom, eps.Count, steps, it);
    }

    private (double LogLikelihood, double[] Gradient) Evaluate(List<Episode> eps, double[] w, double[] emp, int K)
    {
        var expected = new double[K];
        double ll = 0;
        foreach (var e in eps)
        {
            var logPi = e.SoftPolicy(w, Gamma);
            ll += e.LogLikelihood(logPi);
            e.AddExpectedCounts(logPi, expected);
        }
        var grad = new double[K];
        for (int k = 0; k < K; k++) grad[k] = emp[k] - expected[k];
        return (ll, grad);
    }

    private sealed class Episode
    {
        private readonly int n, start;
        private readonly int[] next;
        private readonly double[][] feature; // [k][s*4+a]
        private readonly int[] cells, actions;
        private double[] v;

        public Episode(EpisodeRecord r, LevelFacts facts, IReadOnlyList<CandidateObjective> candidates, int maxSteps)
        {
            var level = facts.Level;
            n = level.CellCount;
            start = r.Start;
            next = SoftValueIteration.MoveTable(level);
            v = new double[n];
            int K = candidates.Count;
            feature = new double[K][];
            var objects = level.Objects.AsSpan(0, n);
            for (int k = 0; k < K; k++)
            {
                var d = GoalDistances.To(level, GoalDistances.GoalCells(level, candidates[k], objects), objects, GoalDistances.AvoidFor(candidates[k]));
                var f = feature[k] = new double[n * 4];
                for (int s = 0; s < n; s++)
                    for (int a = 0; a < 4; a++)
                    {
                        int t = next[s * 4 + a];
                        f[s * 4 + a] = d[s] == GoalDistances.Unreachable || d[t] == GoalDistances.Unreachable ? 0 : d[s] - d[t];
                    }
            }
            Steps = Math.Min(r.Length, maxSteps);
            cells = new int[Steps];
            actions = new int[Steps];
            Empirical = new double[K];
            for (int t = 0; t < Steps; t++)
            {
                cells[t] = r.CellBefore(t);
                actions[t] = (int)r.Actions[t];
                for (int k = 0; k < K; k++) Empirical[k] += feature[k][cells[t] * 4 + actions[t]];
            }
        }

        public int Steps { get; }
        public double[] Empirical { get; }

        public double[] SoftPolicy(double[] w, double gamma)
        {
            var r = new double[n * 4];
            for (int k = 0; k < w.Length; k++)
                if (w[k] != 0) for (int i = 0; i < r.Length; i++) r[i] += w[k] * feature[k][i];
            Span<double> q = stackalloc double[4];
            for (int sweep = 0; sweep < 2000; sweep++)
            {
                double change = 0;
                for (int s = 0; s < n; s++)
                {
                    double vs = SoftMax(s, r, gamma, q);
                    change = Math.Max(change, Math.Abs(vs - v[s]));
                    v[s] = vs;
                }
                if (change < 1e-6) break;
            }
            var logPi = new double[n * 4];
            for (int s = 0; s < n; s++)
            {
                double vs = SoftMax(s, r, gamma, q);
                for (int a = 0; a < 4; a++) logPi[s * 4 + a] = q[a] - vs;
            }
            return logPi;
        }

        private double SoftMax(int s, double[] r, double gamma, Span<double> q)
        {
            double m = double.NegativeInfinity;
            for (int a = 0; a < 4; a++)
            {
                q[a] = r[s * 4 + a] + gamma * v[next[s * 4 + a]];
                if (q[a] > m) m = q[a];
            }
            double sum = 0;
            for (int a = 0; a < 4; a++) sum += Math.Exp(q[a] - m);
            return m + Math.Log(sum);
        }

        public double LogLikelihood(double[] logPi)
        {
            double ll = 0;
            for (int t = 0; t < Steps; t++) ll += logPi[cells[t] * 4 + actions[t]];
            return ll;
        }

        public void AddExpectedCounts(double[] logPi, double[] expected)
        {
            var d = new double[n];
            var d2 = new double[n];
            d[start] = 1;
            for (int t = 0; t < Steps; t++)
            {
                Array.Clear(d2);
                for (int s = 0; s < n; s++)
                {
                    double p = d[s];
                    if (p < 1e-12) continue;
                    for (int a = 0; a < 4; a++)
                    {
                        double pa = p * Math.Exp(logPi[s * 4 + a]);
                        d2[next[s * 4 + a]] += pa;
                        for (int k = 0; k < expected.Length; k++) expected[k] += pa * feature[k][s * 4 + a];
                    }
                }
                (d, d2) = (d2, d);
            }
        }
    }
}
