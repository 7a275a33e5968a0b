namespace MesaLab.Analysis.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// Runs a quantilizer experiment end to end: garden levels from the world, the bases (demonstrator,
/// behaviour-cloned demonstrator, uniform random), the trajectory and per-action quantilizers at every
/// q, the maximizer, bits, and Taylor's bound — the data of the Goodhart curve.
/// </summary>
public static class GoodhartExperiment
{
    /// <summary>What stands in for the maximizer until a PPO agent trained on the proxy is wired in.</summary>
    public const string ExactMaximizer = "exact proxy-optimal policy (shortest path to the proxy goal, computed by BFS): the limit a perfect proxy maximizer reaches";

    public static GoodhartCurve Run(QuantilizerSettings settings, Action<string>? log = null, string where = "quantilizer")
    {
        settings.Validate(where);
        var world = WorldCatalog.Get(settings.World);
        return Run(settings, world.Split(settings.Split, settings.Parameters, where), log, where);
    }

    /// <summary>Runs on a given split (e.g. one resolved by an experiment file, with its world parameters applied).</summary>
    public static GoodhartCurve Run(QuantilizerSettings settings, Split split, Action<string>? log = null, string where = "quantilizer")
    {
        settings.Validate(where);
        var world = split.World;
        var proxy = world.RequireCandidate(settings.Proxy, $"{where}: quantilizer.proxy");
        var gardens = new GardenLevels(split, proxy, new FlowerBeds(settings.Loops, settings.MarkedFraction), settings.CostWeight, settings.Seed);
        var levels = gardens.Take(settings.Levels, 0);
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
                clone = ClonedPolicy.Train(train, heldOut, settings.Demonstrator, settings.Cloning, settings.Seed, log);
                cloning = clone.Report;
                log?.Invoke($"behaviour cloning: held-out mode agreement {cloning.ModeAgreement:P1} (chance {cloning.ModeChance:P1})");
            }
            var curves = new List<BaseCurve>();
            foreach (var name in settings.Bases)
            {
                log?.Invoke($"quantilize: base '{name}'");
                curves.Add(RunBase(name, levels, settings, clone));
            }
            var summaries = levels.Select(l => new LevelSummary(l.Level.Index, l.Level.Width, l.Level.Height, l.Shortest, l.MarkedCount, l.MaxSteps)).ToList();
            return new GoodhartCurve(world.Name, split.Name, proxy.Name, settings.Cost, settings.CostWeight, settings.N, settings.Bootstrap, settings.Seed,
                summaries, curves, cloning, ExactMaximizer);
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

    private static BaseCurve RunBase(string name, List<GardenLevel> levels, QuantilizerSettings s, ClonedPolicy? clone)
    {
        int L = levels.Count, Q = s.Q.Count, B = s.Bootstrap;
        var point = new double[Q, 3];
        var reps = new double[Q, 3, B];
        var outcomeBits = new double[Q];
        var outcomeLower = new bool[Q];
        double baseCostMean = 0, baseCostVar = 0;
        var exactBase = new double[4];
        var action = new double[Q, 4];
        var max = new double[5];
        bool maxLower = false;
        ulong stream = Rng.Hash("quantilize-base:" + name);

        foreach (var level in levels)
        {
            var policy = BasePolicy(name, level, s, clone);
            var rng = Rng.ForLevel(s.Seed, stream, level.Level.Index);
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
            baseCostMean += cost.Mean / L;
            baseCostVar += cost.StandardError * cost.StandardError / ((double)L * L);

            var exact = policy.Evaluate(level);
            exactBase[0] += exact.Proxy / L; exactBase[1] += exact.True / L; exactBase[2] += exact.Cost / L; exactBase[3] += exact.ReachProbability / L;
            for (int k = 0; k < Q; k++)
            {
                var aq = ActionQuantilizer.Apply(policy, level, s.Q[k]).Evaluate(level);
                action[k, 0] += aq.Proxy / L; action[k, 1] += aq.True / L; action[k, 2] += aq.Cost / L;
                action[k, 3] += OptimizationPower.OfProbability(exact.ProbabilityProxyAtLeast(aq.Proxy - 1e-12)) / L;
            }
            var mx = ActionQuantilizer.Maximizer(level).Evaluate(level);
            max[0] += mx.Proxy / L; max[1] += mx.True / L; max[2] += mx.Cost / L;
            max[3] += OptimizationPower.OfProbability(exact.ProbabilityProxyAtLeast(mx.Proxy - 1e-12)) / L;
            var eb = OptimizationPower.OfOutcome(sample.Proxy, mx.Proxy - 1e-9);
            max[4] += eb.Value / L;
            maxLower |= eb.LowerBound;
        }

        var baseCost = new Estimate(baseCostMean, Math.Sqrt(baseCostVar), baseCostMean - 1.96 * Math.Sqrt(baseCostVar), baseCostMean + 1.96 * Math.Sqrt(baseCostVar));
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
            double limit = baseCost.Mean / q, limitHigh = baseCost.High / q;
            var bound = new BoundCheck(est[2], baseCost, limit, limitHigh, est[2].Low <= limitHigh + 1e-12);
            trajectory.Add(new TrajectoryPoint(q, OptimizationPower.OfQuantilizer(q), est[0], est[1], est[2], outcomeBits[k], outcomeLower[k], bound));
        }
        var actions = Enumerable.Range(0, Q).Select(k => new ActionPoint(s.Q[k], OptimizationPower.OfQuantilizer(s.Q[k]), action[k, 0], action[k, 1], action[k, 2], action[k, 3])).ToList();
        var maximizer = new MaximizerPoint($"shortest-path:{s.Proxy}", max[0], max[1], max[2], max[3], max[4], maxLower);
        return new BaseCurve(name, new ExactPoint(exactBase[0], exactBase[1], exactBase[2], exactBase[3]), trajectory, actions, maximizer);
    }
}
