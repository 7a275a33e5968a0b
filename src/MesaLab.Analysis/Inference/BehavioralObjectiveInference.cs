namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Infers the behavioral objective of recorded episodes by Bayesian inverse RL (DESIGN.md §5). For each candidate
/// objective the Boltzmann-rational policy is computed exactly on every recorded level (soft value iteration) at the
/// β grid, and each episode's log-likelihood Σ log π(aₜ|sₜ) recorded per candidate and β. Two models read these
/// tables: the single-goal model (<see cref="Infer(IReadOnlyList{EpisodeRecord})"/>: one candidate and one β for all episodes, β integrated out
/// under a prior uniform in ln β) and the mixture of goals (<see cref="InferMixture(IReadOnlyList{EpisodeRecord})"/>: each episode pursues one
/// latent goal; see <see cref="MixtureFit"/>).
/// Reach candidates plan over cells toward their static goal cells; once a candidate's goal has been entered its
/// later actions are scored as uniform (the objective is achieved; nothing more is revealed). Collect candidates
/// (keys, chests) use the next-object approximation: at each step the agent plans to enter any remaining object
/// cell (for chests while holding no key: a key, valued by the chest stage from there), with the live objects
/// replayed from the recorded events. Hazards (lava) end everything with the worst value for every candidate.
/// </summary>
public sealed class BehavioralObjectiveInference(InferenceSettings? settings = null, LevelCache? cache = null)
{
    private readonly LevelCache cache = cache ?? new LevelCache();
    private readonly Dictionary<LevelFacts, LevelModel> models = [];

    public InferenceSettings Settings { get; } = settings ?? new InferenceSettings();

    /// <summary>The single-goal posterior: one candidate and one β explain all episodes.</summary>
    public BehavioralObjective Infer(IReadOnlyList<EpisodeRecord> records) => Infer(records, Tables(records));

    /// <summary>The single-goal posterior from likelihood tables of <paramref name="records"/> (<see cref="Tables"/>).</summary>
    public BehavioralObjective Infer(IReadOnlyList<EpisodeRecord> records, IReadOnlyList<EpisodeLikelihoods> tables)
    {
        var candidates = cache.SplitOf(records[0]).World.Candidates;
        return Summarize(candidates.Select(c => c.Name).ToList(), tables, Settings, exact: (c, betas) =>
        {
            var ll = new double[betas.Length];
            foreach (var r in records)
            {
                var one = Likelihoods(r, betas, candidates[c], anyCell: false);
                for (int b = 0; b < betas.Length; b++) ll[b] += one.LogLikelihood[0, b];
            }
            return ll;
        });
    }

    /// <summary>The mixture of goals: each episode pursues one candidate (or, optionally, any cell) or nothing coherent.</summary>
    public MixtureObjective InferMixture(IReadOnlyList<EpisodeRecord> records) => InferMixture(records, Tables(records));

    /// <summary>The mixture of goals from likelihood tables of <paramref name="records"/> (<see cref="Tables"/>).</summary>
    public MixtureObjective InferMixture(IReadOnlyList<EpisodeRecord> records, IReadOnlyList<EpisodeLikelihoods> tables) =>
        MixtureFit.Fit(cache.SplitOf(records[0]).World.Candidates.Select(c => c.Name).ToList(), tables, Settings,
            [.. records.Select(r => r.LevelIndex)]);

    /// <summary>
    /// Every episode's likelihood table on the β grid (with "any cell" goals when the settings ask for them). Levels
    /// are solved in parallel, the episodes of one level in order on one thread, so the result does not depend on
    /// the number of threads.
    /// </summary>
    public IReadOnlyList<EpisodeLikelihoods> Tables(IReadOnlyList<EpisodeRecord> records)
    {
        if (records.Count == 0) throw new ArgumentException("no episodes to analyse.", nameof(records));
        var result = new EpisodeLikelihoods[records.Count];
        var byLevel = new Dictionary<LevelFacts, List<int>>();
        for (int i = 0; i < records.Count; i++)
        {
            var facts = cache.Get(records[i]);
            if (!models.ContainsKey(facts)) models[facts] = new LevelModel(facts.Level, facts.Split.World.Hazards);
            if (!byLevel.TryGetValue(facts, out var list)) byLevel[facts] = list = [];
            list.Add(i);
        }
        Parallel.ForEach(byLevel.Values, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, episodes =>
        {
            foreach (int i in episodes) result[i] = Likelihoods(records[i], Settings.BetaGrid);
        });
        return result;
    }

    /// <summary>Log-likelihood table of one episode for every candidate (or just <paramref name="only"/>) and β.</summary>
    public EpisodeLikelihoods Likelihoods(EpisodeRecord r, double[] betas, CandidateObjective? only = null, bool? anyCell = null)
    {
        var facts = cache.Get(r);
        var world = facts.Split.World;
        LevelModel? model;
        lock (models)
            if (!models.TryGetValue(facts, out model)) models[facts] = model = new LevelModel(facts.Level, world.Hazards);
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
            for (int t = 0; t < r.Length; t++)
            {
                int s = r.CellBefore(t), a = (int)r.Actions[t];
                if (achieved || !any)
                    for (int b = 0; b < betas.Length; b++) ll[c, b] += uniform;
                else
                    for (int b = 0; b < betas.Length; b++) ll[c, b] += model.Table(goal, sig, betas[b], Settings.Gamma, Settings.Lapse, subgoalOf)[s * 4 + a];

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
        double[]? anyCellLl = null, anyCellCompetence = null;
        if (anyCell ?? (only is null && Settings.AnyCellGoals))
            (anyCellLl, anyCellCompetence) = AnyCell(r, facts, model, betas);
        return new EpisodeLikelihoods(ll, r.Length * uniform, r.Length, anyCellLl, anyCellCompetence);
    }

    /// <summary>
    /// The "any cell" likelihood: ln((1/n)·Σₓ p(actions | reach cell x)) over the level's n cells, each cell a Reach
    /// goal that is achieved on entry. Exact terms are computed for the start and for the cells where the episode
    /// ended or the agent stayed put for two steps running (where an agent that pursues a cell ends up, pushing
    /// against a wall; a single bump of a noisy move does not count); every other cell
    /// contributes its least possible likelihood, (λ/4) per step under the lapse, so the sum is a lower bound of the
    /// full one that loses only cells the agent never reached or lingered on. Also the posterior probability, at each
    /// β, that the cell pursued was reached competently.
    /// </summary>
    private (double[] LogLikelihood, double[] Competence) AnyCell(EpisodeRecord r, LevelFacts facts, LevelModel model, double[] betas)
    {
        var level = facts.Level;
        int n = level.CellCount, B = betas.Length;
        double uniform = -Math.Log(Moves.Count);
        var cells = new SortedSet<int>();
        int end = r.Length > 0 ? r.Positions[^1] : r.Start;
        cells.Add(end);
        for (int t = 2; t < r.Length; t++) if (r.Positions[t] == r.Positions[t - 1] && r.Positions[t] == r.Positions[t - 2]) cells.Add(r.Positions[t]);
        cells.Remove(r.Start);
        cells.RemoveWhere(model.IsHazard);
        var fromStart = GoalDistances.To(level, model.Mask([r.Start]), level.Objects.AsSpan(0, n), model.HazardObjects);
        var terms = new List<double[]>(cells.Count + 2);
        var competent = new List<bool>(cells.Count + 2);
        // The start: achieved before the first move, every action uniform.
        terms.Add([.. Enumerable.Repeat(r.Length * uniform, B)]);
        competent.Add(false);
        foreach (int x in cells)
        {
            var goal = model.Mask([x]);
            ulong sig = Signature(goal);
            var ll = new double[B];
            bool achieved = false;
            int first = -1;
            for (int t = 0; t < r.Length; t++)
            {
                int s = r.CellBefore(t), a = (int)r.Actions[t];
                if (achieved)
                    for (int b = 0; b < B; b++) ll[b] += uniform;
                else
                    for (int b = 0; b < B; b++) ll[b] += model.Table(goal, sig, betas[b], Settings.Gamma, Settings.Lapse)[s * 4 + a];
                if (!achieved && r.Positions[t] == x) { achieved = true; first = t + 1; }
            }
            terms.Add(ll);
            competent.Add(Settings.Competence.IsCompetent(fromStart[x], first));
        }
        int rest = n - cells.Count - 1;
        double floor = r.Length * Math.Log(Settings.Lapse / Moves.Count);
        var result = new double[B];
        var competence = new double[B];
        Span<double> row = stackalloc double[terms.Count + 1];
        for (int b = 0; b < B; b++)
        {
            for (int k = 0; k < terms.Count; k++) row[k] = terms[k][b];
            row[terms.Count] = rest > 0 ? Math.Log(rest) + floor : double.NegativeInfinity;
            double z = Statistics.LogSumExp(row);
            result[b] = z - Math.Log(n);
            double c = 0;
            for (int k = 0; k < terms.Count; k++) if (competent[k]) c += Math.Exp(row[k] - z);
            competence[b] = c;
        }
        return (result, competence);
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
    /// Posterior, β estimate, coherence and indistinguishability from per-episode likelihood tables. Each candidate's
    /// marginal likelihood is ln ∫ p(actions | c, β) p(β) dβ with p uniform in ln β over the grid's range, integrated on
    /// the spline through the grid (<see cref="BetaCurve"/>). <paramref name="exact"/> (optional) gives the total
    /// log-likelihood of candidate c at arbitrary β; with it, a peak narrower than the grid spacing is resolved by
    /// exact evaluations around it before integrating (see <see cref="RefinedCurve"/>).
    /// </summary>
    public static BehavioralObjective Summarize(IReadOnlyList<string> candidates, IReadOnlyList<EpisodeLikelihoods> per,
        InferenceSettings settings, Func<int, double[], double[]>? exact = null)
    {
        int C = candidates.Count, B = settings.BetaGrid.Length;
        var knots = settings.BetaGrid.Select(x => Math.Log(x)).ToArray();
        double logPriorWidth = Math.Log(knots[^1] - knots[0]);
        var total = new double[C, B];
        double random = 0;
        int steps = 0;
        foreach (var e in per)
        {
            for (int c = 0; c < C; c++) for (int b = 0; b < B; b++) total[c, b] += e.LogLikelihood[c, b];
            random += e.RandomLogLikelihood;
            steps += e.Steps;
        }
        var curves = new BetaCurve[C];
        var logMl = new double[C];
        for (int c = 0; c < C; c++)
        {
            curves[c] = new BetaCurve(knots, Row(total, c));
            logMl[c] = curves[c].LogIntegral() - logPriorWidth;
        }
        if (exact is not null)
        {
            // Refine the candidates that matter for the posterior (within 50 nats of the best).
            double top = logMl.Max();
            for (int c = 0; c < C; c++)
            {
                if (logMl[c] < top - 50) continue;
                int cc = c;
                curves[c] = RefinedCurve(curves[c], us => exact(cc, [.. us.Select(Math.Exp)]));
                logMl[c] = curves[c].LogIntegral() - logPriorWidth;
            }
        }
        var post = Posterior(logMl);
        int best = ArgMax(post);

        // Bootstrap over episodes for the posterior's interval (on the grid's spline).
        var rng = new Rng(settings.BootstrapSeed);
        var reps = new double[C][];
        for (int c = 0; c < C; c++) reps[c] = new double[settings.BootstrapSamples];
        var t = new double[C, B];
        var ml = new double[C];
        for (int k = 0; k < settings.BootstrapSamples; k++)
        {
            Array.Clear(t);
            for (int i = 0; i < per.Count; i++)
            {
                var e = per[rng.Next(per.Count)];
                for (int c = 0; c < C; c++) for (int b = 0; b < B; b++) t[c, b] += e.LogLikelihood[c, b];
            }
            for (int c = 0; c < C; c++) ml[c] = new BetaCurve(knots, Row(t, c)).LogIntegral();
            var p = Posterior(ml);
            for (int c = 0; c < C; c++) reps[c][k] = p[c];
        }

        var results = new List<CandidatePosterior>(C);
        for (int c = 0; c < C; c++)
            results.Add(new CandidatePosterior(candidates[c], Statistics.PercentileInterval(post[c], reps[c]), logMl[c], curves[c].BetaEstimate()));
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

    /// <summary>
    /// The curve with exact evaluations added where its peak is narrower than the knot spacing around it: at the
    /// peak and at ±¼, ½, 1, 2 and 4 peak widths (inward only, at an edge of the range), twice, so that the spline
    /// follows the exact log-likelihood across the region that carries the integral.
    /// </summary>
    public static BetaCurve RefinedCurve(BetaCurve curve, Func<double[], double[]> exactAtLnBeta)
    {
        double[] offsets = [-4, -2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 2, 4];
        for (int round = 0; round < 2; round++)
        {
            var (peak, _) = curve.Maximum();
            double width = curve.PeakWidth(peak);
            var knots = curve.Knots;
            int i = 0;
            while (i < knots.Count - 2 && knots[i + 1] < peak) i++;
            double gap = knots[i + 1] - knots[i];
            if (width >= gap / 2) break;
            var points = offsets.Select(o => Math.Clamp(peak + o * width, curve.Low, curve.High))
                .Where(x => knots.All(k => Math.Abs(k - x) > width / 16)).Distinct().ToArray();
            if (points.Length == 0) break;
            var values = exactAtLnBeta(points);
            var merged = knots.Zip(curve.Values).Concat(points.Zip(values)).OrderBy(p => p.First).ToArray();
            curve = new BetaCurve([.. merged.Select(p => p.First)], [.. merged.Select(p => p.Second)]);
        }
        return curve;
    }

    private static double[] Row(double[,] x, int row)
    {
        var r = new double[x.GetLength(1)];
        for (int b = 0; b < r.Length; b++) r[b] = x[row, b];
        return r;
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

    /// <summary>Move table, hazard cells and soft-VI log-policy tables of one level, cached by goal set and β.</summary>
    private sealed class LevelModel
    {
        private readonly int[] next;
        private readonly bool[] hazard;
        private readonly bool hasHazard;
        private readonly int n;
        private readonly Dictionary<(ulong, double), double[]> tables = [];
        private readonly Dictionary<(ulong, double), double[]> values = [];
        private readonly Dictionary<ulong, List<(double Beta, double[] V)>> solved = [];

        public LevelModel(Level level, IReadOnlyList<Hazard> hazards)
        {
            n = level.CellCount;
            next = SoftValueIteration.MoveTable(level);
            HazardObjects = hazards.Aggregate(CellObject.None, (acc, h) => acc | (h.Object & CellObject.Lava));
            hazard = new bool[n];
            for (int c = 0; c < n; c++) hazard[c] = (level.Objects[c] & HazardObjects) != 0;
            hasHazard = hazard.Any(h => h);
        }

        /// <summary>The objects of the world's static, episode-ending hazards (lava; <see cref="GoalDistances.StaticHazards"/>), which every candidate avoids.</summary>
        public CellObject HazardObjects { get; }

        public bool IsHazard(int cell) => hazard[cell];

        public bool[] Mask(IEnumerable<int> cells)
        {
            var m = new bool[n];
            foreach (int c in cells) m[c] = true;
            return m;
        }

        /// <param name="nextStage">When the goal cells are subgoals (keys on the way to chests), the goal cells of the next stage.</param>
        public double[] Table(bool[] goal, ulong signature, double beta, double gamma, double lapse, bool[]? nextStage = null)
        {
            var key = (signature, beta);
            if (tables.TryGetValue(key, out var t)) return t;
            double[]? goalValues = null;
            if (nextStage is not null)
            {
                // Solve the next stage first; entering a subgoal cell is worth that stage's value there.
                ulong nextSig = Signature(nextStage);
                Table(nextStage, nextSig, beta, gamma, lapse);
                goalValues = values[(nextSig, beta)];
            }
            if (!solved.TryGetValue(signature, out var done)) solved[signature] = done = [];
            var v = new double[goal.Length];
            tables[key] = t = SoftValueIteration.LogPolicy(next, goal, hasHazard ? hazard : null, beta, gamma,
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
    }
}
