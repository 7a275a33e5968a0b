namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// Runs a quantilizer experiment end to end: garden levels from the world, the bases (demonstrator,
/// behaviour-cloned demonstrator, uniform random), the trajectory and per-action quantilizers at every
/// q, the maximizer, bits, and Taylor's bound — the data of the Goodhart curve.
/// </summary>
public static class GoodhartExperiment
{
    /// <summary>The second maximizer point: the exact optimum of the proxy, which a perfect maximizer reaches.</summary>
    public const string LimitKind = "the exact proxy-optimal policy (uniform over the moves on shortest paths to the proxy's goal, computed by BFS), which a perfect proxy maximizer reaches";

    /// <summary>
    /// Checks the settings against the split and makes the garden levels the experiment runs on (cheap: no sampling, no
    /// training), so every user error surfaces before anything is stored or trained.
    /// </summary>
    public static (GardenLevels Gardens, List<GardenLevel> Levels) Gardens(QuantilizerSettings settings, Split split, ulong seed, string where = "quantilizer")
    {
        settings.Validate(where);
        var proxy = split.World.RequireCandidate(settings.Proxy, $"{where}: quantilizer.proxy");
        var gardens = new GardenLevels(split, proxy, new FlowerBeds(settings.Loops, settings.MarkedFraction), settings.CostWeight, seed);
        return (gardens, gardens.Take(settings.Levels, 0));
    }

    /// <summary>
    /// Runs on the levels of <paramref name="split"/> (resolved by the experiment, with its world parameters applied);
    /// every random choice flows from <paramref name="seed"/>. <paramref name="maximizerUpdate"/> sees every PPO update
    /// of the maximizer (for the run store's metrics).
    /// </summary>
    public static GoodhartCurve Run(QuantilizerSettings settings, Split split, ulong seed, Action<string>? log = null, string where = "quantilizer",
        Action<Learning.UpdateMetrics>? maximizerUpdate = null)
    {
        var (gardens, levels) = Gardens(settings, split, seed, where);
        var world = split.World;
        var proxy = gardens.ProxyGoal;
        log?.Invoke($"quantilize: {levels.Count} garden levels of {world.Name}/{split.Name}, proxy '{proxy.Name}', n = {settings.N} per level");

        CloningReport? cloning = null;
        ClonedPolicy? clone = null;
        try
        {
            if (settings.Bases.Contains("cloned"))
            {
                // Training levels come from far-away indices so the evaluation levels are held out.
                var train = gardens.Take(settings.Cloning.Levels, 1_000_000);
                var heldOut = gardens.Take(Math.Max(20, settings.Levels), 2_000_000);
                clone = ClonedPolicy.Train(train, heldOut, settings.Demonstrator, settings.Cloning, seed, log);
                cloning = clone.Report;
                log?.Invoke($"behaviour cloning: held-out mode agreement {cloning.ModeAgreement:P1} (chance {cloning.ModeChance:P1})");
            }
            TrainedMaximizer? maximizer = null;
            if (settings.MaximizerSteps > 0)
            {
                log?.Invoke($"maximizer: training PPO ({settings.Maximizer.Network}) on the proxy reward of these {levels.Count} garden levels, {settings.MaximizerSteps:N0} steps per attempt, until it converges (at most {settings.Maximizer.Attempts} attempts)");
                maximizer = ProxyMaximizer.Train(split, levels, settings.MaximizerSteps, settings.Maximizer, seed, log, maximizerUpdate);
            }
            var curves = new List<BaseCurve>();
            foreach (var name in settings.Bases)
            {
                log?.Invoke($"quantilize: base '{name}'");
                curves.Add(RunBase(name, levels, settings, seed, clone, maximizer));
            }
            var summaries = levels.Select(l => new LevelSummary(l.Level.Index, l.Level.Width, l.Level.Height, l.Shortest, l.MarkedCount, l.MaxSteps)).ToList();
            string kind = maximizer is null
                ? "none: quantilizer.maximizer_steps is 0, so only the limit (the exact proxy-optimal policy) is shown"
                : $"PPO agent ({settings.Maximizer.Network} network) trained for {maximizer.Training.Steps:N0} steps (attempt {maximizer.Training.Attempt} of {maximizer.Training.Attempts} made) with reward 1 on reaching '{proxy.Name}' (discount {settings.Maximizer.Gamma.ToString(System.Globalization.CultureInfo.InvariantCulture)}; nothing for the beds) on these same garden levels, evaluated exactly as its stochastic policy; {maximizer.Training.Convergence}";
            return new GoodhartCurve(world.Name, split.Name, proxy.Name, settings.Cost, settings.CostWeight, settings.N, settings.Bootstrap, seed,
                summaries, curves, cloning, maximizer?.Training, kind, LimitKind);
        }
        finally { clone?.Dispose(); }
    }

    /// <summary>The base policy on one level.</summary>
    public static CellPolicy BasePolicy(string name, GardenLevel level, QuantilizerSettings settings, ClonedPolicy? clone) => name switch
    {
        "demonstrator" => Demonstrator.Table(level.Level, level.ProxyGoal, settings.Demonstrator),
        "cloned" => (clone ?? throw new InvalidOperationException("no cloned policy was trained.")).Table(level),
        _ => CellPolicy.Uniform(level.CellCount),
    };

    private static BaseCurve RunBase(string name, List<GardenLevel> levels, QuantilizerSettings s, ulong seed, ClonedPolicy? clone, TrainedMaximizer? trained)
    {
        int L = levels.Count, Q = s.Q.Count, B = s.Bootstrap;
        var point = new double[Q, 3];
        var reps = new double[Q, 3, B];
        var outcomeBits = new double[Q];
        var outcomeLower = new bool[Q];
        double baseCostMean = 0, baseCostVar = 0;
        var exactBase = new double[4];
        var action = new double[Q, 4];
        var exactLimit = new MaximizerSum();
        var ppo = trained is null ? null : new MaximizerSum();
        ulong stream = Rng.Hash("quantilize-base:" + name);

        for (int li = 0; li < L; li++)
        {
            var level = levels[li];
            var policy = BasePolicy(name, level, s, clone);
            var rng = Rng.ForLevel(seed, stream, level.Level.Index);
            var sample = policy.Sample(level, s.N, ref rng);
            var independent = policy.Sample(level, s.N, ref rng);
            var quantilizer = new TrajectoryQuantilizer(sample);
            var boot = quantilizer.Bootstrap(s.Q, B, ref rng);
            for (int k = 0; k < Q; k++)
            {
                for (int m = 0; m < 3; m++)
                {
                    point[k, m] += quantilizer.Expect(s.Q[k], (Metric)m) / L;
                    for (int b = 0; b < B; b++) reps[k, m, b] += boot[k][m][b] / L;
                }
                var bits = OptimizationPower.OfOutcome(sample.Proxy, quantilizer.Expect(s.Q[k], Metric.Proxy));
                outcomeBits[k] += bits.Value / L;
                outcomeLower[k] |= bits.LowerBound;
            }
            var cost = Estimate.OfMean(independent.Cost);
            baseCostMean += cost.Value / L;
            baseCostVar += cost.StandardError * cost.StandardError / ((double)L * L);

            var exact = policy.Evaluate(level);
            exactBase[0] += exact.Proxy / L; exactBase[1] += exact.True / L; exactBase[2] += exact.Cost / L; exactBase[3] += exact.ReachProbability / L;
            for (int k = 0; k < Q; k++)
            {
                var aq = ActionQuantilizer.Apply(policy, level, s.Q[k]).Evaluate(level);
                action[k, 0] += aq.Proxy / L; action[k, 1] += aq.True / L; action[k, 2] += aq.Cost / L;
                action[k, 3] += OptimizationPower.OfProbability(exact.ProbabilityProxyAtLeast(aq.Proxy - 1e-12)) / L;
            }
            exactLimit.Add(ActionQuantilizer.Maximizer(level).Evaluate(level), exact, sample.Proxy, L);
            ppo?.Add(trained!.Tables[li].Evaluate(level), exact, sample.Proxy, L);
        }

        var baseCost = new Estimate(baseCostMean, baseCostMean - Statistics.Z95 * Math.Sqrt(baseCostVar), baseCostMean + Statistics.Z95 * Math.Sqrt(baseCostVar)) { StandardError = Math.Sqrt(baseCostVar) };
        var trajectory = new List<TrajectoryPoint>();
        for (int k = 0; k < Q; k++)
        {
            var est = new Estimate[3];
            for (int m = 0; m < 3; m++)
            {
                var r = new double[B];
                for (int b = 0; b < B; b++) r[b] = reps[k, m, b];
                est[m] = Estimate.FromReplicates(point[k, m], r);
            }
            double q = s.Q[k];
            double limit = baseCost.Value / q, limitHigh = baseCost.High / q;
            var bound = new BoundCheck(est[2], baseCost, limit, limitHigh, est[2].Low <= limitHigh + 1e-12);
            trajectory.Add(new TrajectoryPoint(q, OptimizationPower.OfQuantilizer(q), est[0], est[1], est[2], outcomeBits[k], outcomeLower[k], bound));
        }
        var actions = Enumerable.Range(0, Q).Select(k => new ActionPoint(s.Q[k], OptimizationPower.OfQuantilizer(s.Q[k]), action[k, 0], action[k, 1], action[k, 2], action[k, 3],
            exactBase[2] / s.Q[k], action[k, 2] <= exactBase[2] / s.Q[k] + 1e-12)).ToList();
        return new BaseCurve(name, new ExactPoint(exactBase[0], exactBase[1], exactBase[2], exactBase[3]), trajectory, actions,
            ppo?.Point(trained!.Name, trained.Training.Converged), exactLimit.Point($"shortest-path:{s.Proxy} (exact limit)"));
    }

    /// <summary>Averages a maximizer's exact outcome and its bits under the base over the levels.</summary>
    private sealed class MaximizerSum
    {
        private double proxy, truth, cost, reach, bits, empirical;
        private bool lower;

        public void Add(ExactOutcome outcome, ExactOutcome baseExact, double[] baseSample, int levels)
        {
            var (exactBits, empiricalBits) = OptimizationPower.OfPolicy(outcome, baseExact, baseSample);
            proxy += outcome.Proxy / levels; truth += outcome.True / levels; cost += outcome.Cost / levels; reach += outcome.ReachProbability / levels;
            bits += exactBits / levels;
            empirical += empiricalBits.Value / levels;
            lower |= empiricalBits.LowerBound;
        }

        public MaximizerPoint Point(string name, bool converged = true) => new(name, proxy, truth, cost, reach, bits, empirical, lower, converged);
    }
}
