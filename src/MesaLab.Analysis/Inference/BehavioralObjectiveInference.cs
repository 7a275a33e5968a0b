namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Infers the behavioral objective of recorded episodes by Bayesian inverse RL (DESIGN.md §5). The agent is
/// modelled as Boltzmann-rational for one candidate objective with one rationality β shared by all episodes;
/// for each candidate the soft-optimal policy is computed exactly on every recorded level and the actions'
/// log-likelihood Σ log π(aₜ|sₜ) summed. β is marginalized over a log grid (uniform prior) for the posterior
/// over candidates (uniform prior), and its maximum-likelihood value reported with a profile interval.
/// Reach candidates plan over cells toward their static goal cells; once a candidate's goal has been entered
/// its later actions are scored as uniform (the objective is achieved; nothing more is revealed). Collect
/// candidates (keys, chests) use the next-object approximation: at each step the agent plans to enter any
/// remaining object cell (for chests while holding no key: a key, valued by the chest stage from there),
/// with the live objects replayed from the recorded events.
/// </summary>
public sealed class BehavioralObjectiveInference(InferenceSettings? settings = null, LevelCache? cache = null)
{
    private readonly LevelCache cache = cache ?? new LevelCache();
    private readonly Dictionary<LevelFacts, LevelModel> models = [];

    public InferenceSettings Settings { get; } = settings ?? new InferenceSettings();

    public BehavioralObjective Infer(IReadOnlyList<EpisodeRecord> records)
    {
        if (records.Count == 0) throw new ArgumentException("no episodes to analyse.", nameof(records));
        var split = cache.SplitOf(records[0]);
        var candidates = split.World.Candidates;
        var per = records.Select(r => Likelihoods(r, Settings.BetaGrid)).ToList();
        return Summarize(candidates.Select(c => c.Name).ToList(), per, Settings, betaRefine: (c, betas) =>
        {
            var cand = candidates[c];
            var ll = new double[betas.Length];
            foreach (var r in records)
            {
                var one = Likelihoods(r, betas, cand);
                for (int b = 0; b < betas.Length; b++) ll[b] += one.LogLikelihood[0, b];
            }
            return ll;
        });
    }

    /// <summary>Log-likelihood table of one episode for every candidate (or just <paramref name="only"/>) and β.</summary>
    public EpisodeLikelihoods Likelihoods(EpisodeRecord r, double[] betas, CandidateObjective? only = null)
    {
        var facts = cache.Get(r);
        if (!models.TryGetValue(facts, out var model)) models[facts] = model = new LevelModel(facts.Level);
        var world = facts.Split.World;
        IReadOnlyList<CandidateObjective> cands = only is null ? world.Candidates : [only];
        var ll = new double[cands.Count, betas.Length];
        double uniform = -Math.Log(Moves.Count);
        var level = facts.Level;
        int n = level.CellCount;
        var live = new CellObject[n];
        for (int c = 0; c < cands.Count; c++)
        {
            var cand = cands[c];
            level.Objects.AsSpan(0, n).CopyTo(live);
            int held = 0;
            bool achieved = false;
            var goal = GoalDistances.GoalCells(level, cand, live, held);
            // Chests while holding no key: keys are subgoals whose value is that of the chest stage.
            bool[]? subgoalOf = cand.Object == CellObject.Chest && held == 0 ? GoalDistances.GoalCells(level, cand, live, 1) : null;
            ulong sig = Combine(Signature(goal), subgoalOf);
            bool any = sig != 0;
            if (cand.Kind == ObjectiveKind.Reach && goal[r.Start]) achieved = true;
            bool avoidLava = cand.Object != CellObject.Lava;
            for (int t = 0; t < r.Length; t++)
            {
                int s = r.CellBefore(t), a = (int)r.Actions[t];
                if (achieved || !any)
                    for (int b = 0; b < betas.Length; b++) ll[c, b] += uniform;
                else
                    for (int b = 0; b < betas.Length; b++) ll[c, b] += model.Table(goal, sig, avoidLava, betas[b], Settings.Gamma, Settings.Lapse, subgoalOf)[s * 4 + a];

                int p = r.Positions[t];
                var ev = r.Events[t];
                if (cand.Kind == ObjectiveKind.Reach)
                {
                    if (goal[p]) achieved = true;
                    continue;
                }
                bool changed = false;
                if ((ev & StepEvents.PickedKey) != 0) { live[p] &= ~CellObject.Key; held++; changed = true; }
                if ((ev & StepEvents.OpenedChest) != 0) { live[p] &= ~CellObject.Chest; held = Math.Max(0, held - 1); changed = true; }
                if (changed)
                {
                    if (cand.Object == CellObject.Chest && !AnyOf(live, CellObject.Chest)) { any = false; continue; }
                    goal = GoalDistances.GoalCells(level, cand, live, held);
                    subgoalOf = cand.Object == CellObject.Chest && held == 0 ? GoalDistances.GoalCells(level, cand, live, 1) : null;
                    sig = Combine(Signature(goal), subgoalOf);
                    any = sig != 0;
                }
            }
        }
        return new EpisodeLikelihoods(ll, r.Length * uniform, r.Length);
    }

    private static bool AnyOf(CellObject[] live, CellObject o)
    {
        foreach (var x in live) if ((x & o) != 0) return true;
        return false;
    }

    private static ulong Combine(ulong goalSignature, bool[]? nextStage) =>
        goalSignature == 0 || nextStage is null ? goalSignature : (goalSignature * 31 + Signature(nextStage)) | 1;

    /// <summary>FNV-style hash of the goal cell set; 0 when empty.</summary>
    private static ulong Signature(bool[] goal)
    {
        ulong h = 0;
        bool any = false;
        for (int c = 0; c < goal.Length; c++)
            if (goal[c]) { any = true; h = (h ^ (ulong)(c + 1)) * 1099511628211UL + 0x9E3779B97F4A7C15UL; }
        return any ? h | 1 : 0;
    }

    /// <summary>
    /// Posterior, β estimate, coherence and indistinguishability from per-episode likelihood tables.
    /// <paramref name="betaRefine"/> (optional) gives the total log-likelihood of candidate c at arbitrary β values.
    /// </summary>
    public static BehavioralObjective Summarize(IReadOnlyList<string> candidates, IReadOnlyList<EpisodeLikelihoods> per,
        InferenceSettings settings, Func<int, double[], double[]>? betaRefine = null)
    {
        int C = candidates.Count, B = settings.BetaGrid.Length;
        var total = new double[C, B];
        double random = 0;
        int steps = 0;
        foreach (var e in per)
        {
            for (int c = 0; c < C; c++) for (int b = 0; b < B; b++) total[c, b] += e.LogLikelihood[c, b];
            random += e.RandomLogLikelihood;
            steps += e.Steps;
        }
        var logMl = MarginalLikelihoods(total);
        var post = Posterior(logMl);
        int best = ArgMax(post);

        // Bootstrap over episodes for the posterior's interval.
        var rng = new Rng(settings.BootstrapSeed);
        var reps = new double[C][];
        for (int c = 0; c < C; c++) reps[c] = new double[settings.BootstrapSamples];
        var t = new double[C, B];
        for (int k = 0; k < settings.BootstrapSamples; k++)
        {
            Array.Clear(t);
            for (int i = 0; i < per.Count; i++)
            {
                var e = per[rng.Next(per.Count)];
                for (int c = 0; c < C; c++) for (int b = 0; b < B; b++) t[c, b] += e.LogLikelihood[c, b];
            }
            var p = Posterior(MarginalLikelihoods(t));
            for (int c = 0; c < C; c++) reps[c][k] = p[c];
        }

        var results = new List<CandidatePosterior>(C);
        for (int c = 0; c < C; c++)
        {
            var curve = new double[B];
            for (int b = 0; b < B; b++) curve[b] = total[c, b];
            var beta = BetaEstimate(settings.BetaGrid, curve, c == best && betaRefine is not null ? bs => betaRefine(c, bs) : null);
            results.Add(new CandidatePosterior(candidates[c], Statistics.PercentileInterval(post[c], reps[c]), logMl[c], beta));
        }
        double logBf = logMl[best] - random;
        bool coherent = logBf >= settings.CoherenceLogBayesFactor;
        var indist = Enumerable.Range(0, C).Where(c => c == best || post[c] >= settings.IndistinguishableMass)
            .OrderByDescending(c => post[c]).Select(c => candidates[c]).ToList();
        return new BehavioralObjective
        {
            Objective = coherent ? candidates[best] : null,
            Best = candidates[best],
            Coherent = coherent,
            Indistinguishable = coherent && indist.Count > 1 ? indist : [],
            Candidates = results,
            Posterior = results[best].Posterior,
            Beta = results[best].Beta,
            LogBayesFactorVsRandom = logBf,
            Episodes = per.Count,
            Steps = steps,
            BetaGrid = settings.BetaGrid,
            PerEpisode = per,
        };
    }

    /// <summary>log p(D | c) with β marginalized over the grid (uniform prior).</summary>
    public static double[] MarginalLikelihoods(double[,] total)
    {
        int C = total.GetLength(0), B = total.GetLength(1);
        var ml = new double[C];
        Span<double> row = stackalloc double[B];
        for (int c = 0; c < C; c++)
        {
            for (int b = 0; b < B; b++) row[b] = total[c, b];
            ml[c] = Statistics.LogSumExp(row) - Math.Log(B);
        }
        return ml;
    }

    /// <summary>Posterior over candidates from log marginal likelihoods (uniform prior).</summary>
    public static double[] Posterior(double[] logMl)
    {
        double z = Statistics.LogSumExp(logMl);
        return logMl.Select(l => Math.Exp(l - z)).ToArray();
    }

    private static int ArgMax(double[] x)
    {
        int k = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[k]) k = i;
        return k;
    }

    /// <summary>
    /// Maximum-likelihood β with its profile-likelihood 95 % interval (where the log-likelihood is within
    /// χ²₁(0.95)/2 = 1.92 of its maximum), interpolated on the log-β grid; when <paramref name="refine"/> is
    /// given, the maximum and the interval ends are refined on a finer grid around them.
    /// </summary>
    public static Estimate BetaEstimate(double[] grid, double[] ll, Func<double[], double[]>? refine = null)
    {
        const double drop = 1.920729410347062;
        int B = grid.Length;
        int k = 0;
        for (int b = 1; b < B; b++) if (ll[b] > ll[k]) k = b;
        if (refine is not null && B >= 3)
        {
            // A finer grid between the neighbours of the grid maximum and out to where the interval ends.
            int lo = k, hi = k;
            while (lo > 0 && ll[lo] > ll[k] - drop) lo--;
            while (hi < B - 1 && ll[hi] > ll[k] - drop) hi++;
            var fine = InferenceSettings.LogSpace(grid[lo], grid[hi], Math.Min(9, 2 * (hi - lo) + 1));
            var fineLl = refine(fine);
            return BetaEstimate(fine, fineLl, null);
        }
        double lx(int i) => Math.Log(grid[i]);
        double mle = grid[k];
        if (k > 0 && k < B - 1)
        {
            // Parabola through the three points around the maximum, in log β.
            double x0 = lx(k - 1), x1 = lx(k), x2 = lx(k + 1), y0 = ll[k - 1], y1 = ll[k], y2 = ll[k + 1];
            double denom = (x0 - x1) * (x0 - x2) * (x1 - x2);
            double a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom;
            double bq = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom;
            if (a < 0) mle = Math.Exp(Math.Clamp(-bq / (2 * a), x0, x2));
        }
        double target = ll[k] - drop;
        double low = grid[0], high = grid[B - 1];
        for (int b = k; b > 0; b--)
            if (ll[b - 1] < target) { low = Math.Exp(Lerp(lx(b - 1), lx(b), ll[b - 1], ll[b], target)); break; }
        for (int b = k; b < B - 1; b++)
            if (ll[b + 1] < target) { high = Math.Exp(Lerp(lx(b), lx(b + 1), ll[b], ll[b + 1], target)); break; }
        return new Estimate(mle, Math.Min(low, mle), Math.Max(high, mle));
    }

    private static double Lerp(double x0, double x1, double y0, double y1, double y) =>
        y1 == y0 ? x0 : x0 + (y - y0) * (x1 - x0) / (y1 - y0);

    /// <summary>Move table and soft-VI log-policy tables of one level, cached by goal set and β.</summary>
    private sealed class LevelModel(Level level)
    {
        private readonly int[] next = SoftValueIteration.MoveTable(level);
        private readonly bool[] lava = LavaCells(level);
        private readonly bool hasLava = level.Count(CellObject.Lava) > 0;
        private readonly Dictionary<(ulong, bool, double), double[]> tables = [];
        private readonly Dictionary<(ulong, bool, double), double[]> values = [];
        private readonly Dictionary<(ulong, bool), List<(double Beta, double[] V)>> solved = [];

        /// <param name="nextStage">When the goal cells are subgoals (keys on the way to chests), the goal cells of the next stage.</param>
        public double[] Table(bool[] goal, ulong signature, bool avoidLava, double beta, double gamma, double lapse, bool[]? nextStage = null)
        {
            bool avoid = avoidLava && hasLava;
            var key = (signature, avoid, beta);
            if (tables.TryGetValue(key, out var t)) return t;
            double[]? goalValues = null;
            if (nextStage is not null)
            {
                // Solve the next stage first; entering a subgoal cell is worth that stage's value there.
                ulong nextSig = Signature(nextStage);
                Table(nextStage, nextSig, avoidLava, beta, gamma, lapse);
                goalValues = values[(nextSig, avoid, beta)];
            }
            if (!solved.TryGetValue((signature, avoid), out var done)) solved[(signature, avoid)] = done = [];
            var v = new double[goal.Length];
            tables[key] = t = SoftValueIteration.LogPolicy(next, goal, avoid ? lava : null, beta, gamma,
                initial: WarmStart(done, beta), values: v, goalValues: goalValues);
            values[key] = v;
            done.Add((beta, v));
            if (lapse > 0)
                for (int i = 0; i < t.Length; i++) t[i] = Math.Log((1 - lapse) * Math.Exp(t[i]) + lapse / Moves.Count);
            return t;
        }

        /// <summary>
        /// Soft values are close to A(s) + B(s)/β (the entropy bonus scales with 1/β), so the two solved β
        /// nearest in 1/β extrapolate a starting point that saves most sweeps.
        /// </summary>
        private static double[]? WarmStart(List<(double Beta, double[] V)> done, double beta)
        {
            if (done.Count < 2) return null;
            var near = done.OrderBy(d => Math.Abs(1 / d.Beta - 1 / beta)).Take(2).ToArray();
            double x0 = 1 / near[0].Beta, x1 = 1 / near[1].Beta, x = 1 / beta;
            if (x0 == x1) return null;
            double w = (x - x0) / (x1 - x0);
            var v = new double[near[0].V.Length];
            for (int s = 0; s < v.Length; s++) v[s] = near[0].V[s] + w * (near[1].V[s] - near[0].V[s]);
            return v;
        }

        private static bool[] LavaCells(Level level)
        {
            var l = new bool[level.CellCount];
            for (int c = 0; c < l.Length; c++) l[c] = (level.Objects[c] & CellObject.Lava) != 0;
            return l;
        }
    }
}
