namespace MesaLab.Analysis;

/// <summary>
/// Fits the mixture of goals (DESIGN.md §5) by expectation–maximization on per-episode likelihood tables. Components:
/// every candidate objective, "any cell" when the tables carry it, and none (the uniformly random policy, no β).
/// Model: p(τᵢ) = Σ_g w_g · p(τᵢ | g, β_g), one rationality β_g per goal shared by the episodes that pursue it.
/// E-step: each episode's posterior over components, r_ig ∝ w_g · p(τᵢ | g, β_g). M-step: w_g = mean of r_ig, and
/// β_g = argmax Σᵢ r_ig · ln p(τᵢ | g, β), on the spline in ln β through the grid (<see cref="BetaCurve"/>: the
/// spline is linear in the knot values, so the weighted sum of the episodes' curves is the curve of the weighted
/// sums). EM never lowers the likelihood; it stops when an iteration changes it by less than 10⁻⁹ nats per episode.
/// Intervals: 95 % percentile bootstrap over episodes, each resample refitted from the full fit.
/// </summary>
public static class MixtureFit
{
    /// <param name="candidates">Candidate names, in the order of the tables' rows.</param>
    /// <param name="levelIndices">Level index of each episode (reported with its posterior); null = positions.</param>
    public static MixtureObjective Fit(IReadOnlyList<string> candidates, IReadOnlyList<EpisodeLikelihoods> tables, InferenceSettings settings,
        IReadOnlyList<long>? levelIndices = null)
    {
        if (tables.Count == 0) throw new ArgumentException("no episodes to analyse.", nameof(tables));
        var model = new Model(candidates, tables, settings);
        int n = tables.Count;
        var all = Enumerable.Range(0, n).ToArray();
        var (w, u, ll, iterations) = model.Em(all, model.InitialWeights(), model.InitialBetas(all), settings.MixtureIterations);
        var r = model.Responsibilities(all, w, u);

        // Bootstrap: resample episodes, refit from the full fit.
        var rng = new Rng(settings.BootstrapSeed ^ 0x313C7UL);
        int G = model.Components.Count;
        var weightReps = new List<double[]>(settings.BootstrapSamples);
        var betaReps = new double[G][];
        for (int g = 0; g < G; g++) betaReps[g] = new double[settings.BootstrapSamples];
        var sample = new int[n];
        for (int k = 0; k < settings.BootstrapSamples; k++)
        {
            for (int i = 0; i < n; i++) sample[i] = rng.Next(n);
            var (wk, uk, _, _) = model.Em(sample, w, u, Math.Max(50, settings.MixtureIterations / 4));
            weightReps.Add(wk);
            var rk = model.Responsibilities(sample, wk, uk);
            for (int g = 0; g < G; g++)
                betaReps[g][k] = model.IsGoal(g) && rk.Sum(x => x[g]) >= 1 ? Math.Exp(uk[g]) : double.NaN;
        }

        var components = new List<MixtureComponent>(G);
        for (int g = 0; g < G; g++)
        {
            double mass = r.Sum(x => x[g]);
            var beta = model.IsGoal(g) && mass >= 1 ? Statistics.PercentileInterval(Math.Exp(u[g]), betaReps[g]) : Estimate.NotAvailable;
            components.Add(new MixtureComponent(model.Components[g], Statistics.PercentileInterval(w[g], weightReps.Select(x => x[g])), beta, model.IsGoal(g)));
        }
        var groups = model.IndistinguishableGroups();
        var episodes = new List<EpisodeGoal>(n);
        for (int i = 0; i < n; i++)
        {
            // The most probable component, with the components it cannot be told from pooled.
            int best = 0;
            double bestP = -1;
            for (int g = 0; g < G; g++)
            {
                var group = groups.FirstOrDefault(x => x.Contains(g));
                double p = group is null ? r[i][g] : group.Sum(h => r[i][h]);
                if (p > bestP + 1e-12) { bestP = p; best = g; }
            }
            var bestGroup = groups.FirstOrDefault(x => x.Contains(best));
            string name = bestGroup is null ? model.Components[best] : string.Join(" ≈ ", bestGroup.Select(h => model.Components[h]));
            episodes.Add(new EpisodeGoal(i, levelIndices?[i] ?? i, name, bestP, r[i]));
        }
        return new MixtureObjective
        {
            Components = components,
            Episodes = episodes,
            Indistinguishable = [.. groups.Select(g => (IReadOnlyList<string>)[.. g.Select(h => model.Components[h])])],
            LogLikelihood = ll,
            RandomLogLikelihood = tables.Sum(t => t.RandomLogLikelihood),
            Iterations = iterations,
            WeightReplicates = weightReps,
        };
    }

    /// <summary>The fitted model's per-episode data: knot values of every goal component's log-likelihood curve.</summary>
    private sealed class Model
    {
        private readonly double[] knots;
        private readonly double[][][] curve; // [episode][goal component][knot]
        private readonly double[] random;    // [episode]
        private readonly BetaCurve[] unit;   // spline of each unit knot vector: evaluation weights at any ln β

        public Model(IReadOnlyList<string> candidates, IReadOnlyList<EpisodeLikelihoods> tables, InferenceSettings settings)
        {
            knots = [.. settings.BetaGrid.Select(x => Math.Log(x))];
            int K = knots.Length, C = candidates.Count;
            bool anyCell = tables[0].AnyCell is not null;
            Components = [.. candidates, .. anyCell ? [MixtureObjective.AnyCell] : Array.Empty<string>(), MixtureObjective.None];
            Goals = Components.Count - 1;
            curve = new double[tables.Count][][];
            random = new double[tables.Count];
            for (int i = 0; i < tables.Count; i++)
            {
                var t = tables[i];
                if (t.LogLikelihood.GetLength(0) != C || t.LogLikelihood.GetLength(1) != K)
                    throw new ArgumentException($"episode {i}'s table is {t.LogLikelihood.GetLength(0)}×{t.LogLikelihood.GetLength(1)}; expected {C} candidates × {K} β.");
                curve[i] = new double[Goals][];
                for (int c = 0; c < C; c++)
                {
                    curve[i][c] = new double[K];
                    for (int b = 0; b < K; b++) curve[i][c][b] = t.LogLikelihood[c, b];
                }
                if (anyCell) curve[i][C] = t.AnyCell ?? throw new ArgumentException($"episode {i} has no \"any cell\" likelihoods while others do.");
                random[i] = t.RandomLogLikelihood;
            }
            unit = new BetaCurve[K];
            for (int k = 0; k < K; k++)
            {
                var y = new double[K];
                y[k] = 1;
                unit[k] = new BetaCurve(knots, y);
            }
        }

        /// <summary>Goal components first (candidates, then "any cell"), none last.</summary>
        public List<string> Components { get; }
        public int Goals { get; }
        public bool IsGoal(int g) => g < Goals;

        public double[] InitialWeights() => [.. Enumerable.Repeat(1.0 / Components.Count, Components.Count)];

        /// <summary>Each goal's β fitted as if every episode pursued it.</summary>
        public double[] InitialBetas(int[] episodes)
        {
            var u = new double[Goals];
            for (int g = 0; g < Goals; g++)
            {
                var y = new double[knots.Length];
                foreach (int i in episodes) for (int k = 0; k < y.Length; k++) y[k] += curve[i][g][k];
                u[g] = new BetaCurve(knots, y).Maximum().U;
            }
            return u;
        }

        private double[] Weights(double at) => [.. unit.Select(c => c.At(at))];

        private static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
            return s;
        }

        /// <summary>ln w_g + ln p(τᵢ | g, β_g) for every component of one episode, and their log-sum.</summary>
        private double Joint(int i, double[] logW, double[][] e, double[] row)
        {
            for (int g = 0; g < Goals; g++) row[g] = logW[g] + Dot(e[g], curve[i][g]);
            row[Goals] = logW[Goals] + random[i];
            return Statistics.LogSumExp(row);
        }

        public double[][] Responsibilities(int[] episodes, double[] w, double[] u)
        {
            var logW = w.Select(x => Math.Log(x)).ToArray();
            var e = u.Select(Weights).ToArray();
            var row = new double[Components.Count];
            var r = new double[episodes.Length][];
            for (int j = 0; j < episodes.Length; j++)
            {
                double z = Joint(episodes[j], logW, e, row);
                r[j] = [.. row.Select(x => Math.Exp(x - z))];
            }
            return r;
        }

        public (double[] W, double[] U, double LogLikelihood, int Iterations) Em(int[] episodes, double[] w0, double[] u0, int maxIterations)
        {
            int G = Components.Count, K = knots.Length, n = episodes.Length;
            var w = (double[])w0.Clone();
            var u = (double[])u0.Clone();
            var row = new double[G];
            var sums = new double[G];
            var weighted = new double[Goals][];
            for (int g = 0; g < Goals; g++) weighted[g] = new double[K];
            double previous = double.NegativeInfinity, ll = double.NegativeInfinity;
            int it = 0;
            for (; it < maxIterations; it++)
            {
                var logW = w.Select(x => x > 0 ? Math.Log(x) : double.NegativeInfinity).ToArray();
                var e = u.Select(Weights).ToArray();
                Array.Clear(sums);
                foreach (var a in weighted) Array.Clear(a);
                ll = 0;
                foreach (int i in episodes)
                {
                    double z = Joint(i, logW, e, row);
                    ll += z;
                    for (int g = 0; g < G; g++)
                    {
                        double r = Math.Exp(row[g] - z);
                        sums[g] += r;
                        if (g < Goals && r > 0) for (int k = 0; k < K; k++) weighted[g][k] += r * curve[i][g][k];
                    }
                }
                for (int g = 0; g < G; g++) w[g] = sums[g] / n;
                for (int g = 0; g < Goals; g++)
                    if (sums[g] > 1e-9) u[g] = new BetaCurve(knots, weighted[g]).Maximum().U;
                if (ll - previous < 1e-9 * n) { it++; break; }
                previous = ll;
            }
            return (w, u, ll, it);
        }

        /// <summary>Goal components whose curves coincide on every episode, grouped (only groups of two or more).</summary>
        public List<int[]> IndistinguishableGroups()
        {
            var groups = new List<int[]>();
            var used = new bool[Goals];
            for (int g = 0; g < Goals; g++)
            {
                if (used[g]) continue;
                var group = new List<int> { g };
                for (int h = g + 1; h < Goals; h++)
                    if (!used[h] && Same(g, h)) { group.Add(h); used[h] = true; }
                if (group.Count > 1) groups.Add([.. group]);
            }
            return groups;
        }

        private bool Same(int g, int h)
        {
            foreach (var c in curve)
                for (int k = 0; k < knots.Length; k++)
                    if (Math.Abs(c[g][k] - c[h][k]) > 1e-9 * (1 + Math.Abs(c[g][k]))) return false;
            return true;
        }
    }
}
