namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Outer alignment measured behaviourally (DESIGN.md §5, the four axes): does the base objective, optimized
/// perfectly, give the intended behaviour? On every recorded level, a shortest-path agent toward the base objective
/// and one toward the intended objective are played; the value is the intended-objective return the first earns,
/// as a share of what the second earns. 1 exactly when the world declares the two objectives equal.
/// </summary>
public static class OuterAlignment
{
    /// <param name="records">Episodes whose levels to use (typically the deploy evaluation).</param>
    public static Estimate Measure(IReadOnlyList<EpisodeRecord> records, CandidateObjective baseObjective, CandidateObjective intendedObjective,
        LevelCache? cache = null, int bootstrap = 1000, ulong seed = 0x0A7E)
    {
        if (string.Equals(baseObjective.Name, intendedObjective.Name, StringComparison.OrdinalIgnoreCase)) return Estimate.Exact(1);
        if (records.Count == 0) return Estimate.NotAvailable;
        cache ??= new LevelCache();
        var byBase = new double[records.Count];
        var byIntended = new double[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var facts = cache.Get(records[i]);
            byBase[i] = IntendedReturn(Episode.Record(facts.Split, facts.Level, new ShortestPathAgent(baseObjective)), intendedObjective);
            byIntended[i] = IntendedReturn(Episode.Record(facts.Split, facts.Level, new ShortestPathAgent(intendedObjective)), intendedObjective);
        }
        double Ratio(IEnumerable<int> idx)
        {
            double a = 0, b = 0;
            foreach (int i in idx) { a += byBase[i]; b += byIntended[i]; }
            return b > 0 ? a / b : double.NaN;
        }
        var rng = new Rng(seed);
        var reps = new double[bootstrap];
        var sample = new int[records.Count];
        for (int k = 0; k < bootstrap; k++)
        {
            for (int j = 0; j < sample.Length; j++) sample[j] = rng.Next(sample.Length);
            reps[k] = Ratio(sample);
        }
        return Statistics.PercentileInterval(Ratio(Enumerable.Range(0, records.Count)), reps);
    }

    /// <summary>
    /// Outer alignment of a training signal (the four axes): on every recorded level, the policy that optimally
    /// maximizes <paramref name="signal"/> with discount <paramref name="gamma"/> (<see cref="SignalPlanner"/>: exact
    /// value iteration, episodes ending where the world ends them) is played from the start; the level's value is 1 when
    /// it competently reaches the intended objective (<see cref="CompetenceCriterion"/>, the rule outcomes are
    /// classified by) and 0 otherwise. The mean of these values is the intended objective's share of the signal-optimal
    /// behaviour: 1 when the signal points at the intended goal everywhere.
    /// </summary>
    /// <returns>One value (0 or 1) per record, in order.</returns>
    public static double[] OfSignal(IReadOnlyList<EpisodeRecord> records, TransitionReward signal, double gamma, LevelCache? cache = null,
        CompetenceCriterion? criterion = null, ulong seed = 0x0A7E)
    {
        cache ??= new LevelCache();
        criterion ??= CompetenceCriterion.Default;
        var values = new double[records.Count];
        var generators = new Dictionary<Split, LevelGenerator>();
        for (int i = 0; i < records.Count; i++)
        {
            var facts = cache.Get(records[i]);
            var split = facts.Split;
            if (!generators.TryGetValue(split, out var generator)) generators[split] = generator = split.World.CreateGenerator(split);
            var intended = split.World.IntendedObjective(split);
            var planner = new SignalPlanner(facts.Level, signal, split.World.BaseObjective(split), gamma);
            var rng = new Rng(seed ^ (ulong)records[i].LevelIndex);
            var cells = planner.Rollout(generator.MaxSteps(facts.Level), ref rng);
            int reached = cells.FindIndex(c => intended.IsGoal(facts.Level, c));
            values[i] = reached > 0 && criterion.IsCompetent(facts.ShortestPath[intended.Name], reached) ? 1 : 0;
        }
        return values;
    }

    /// <summary>
    /// Outer alignment of a training signal on keys and chests, where the objective is collected: on every recorded level
    /// the signal-optimal policy is approximated by <see cref="ChestPlanningAgent"/> (receding-horizon value iteration over
    /// (cell, keys held) with the objects left frozen between pickups) and played from the start for the level's step
    /// limit; the level's value is 1 when it opens chests competently by the outcome classifier's rule for collected
    /// objectives (<see cref="OutcomeClassifier.CollectedCompetently"/>), else 0.
    /// </summary>
    /// <returns>One value (0 or 1) per record, in order.</returns>
    public static double[] OfChestSignal(IReadOnlyList<EpisodeRecord> records, ChestSignal signal, double gamma, LevelCache? cache = null,
        CompetenceCriterion? criterion = null, ulong seed = 0x0A7E)
    {
        cache ??= new LevelCache();
        criterion ??= CompetenceCriterion.Default;
        var values = new double[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var facts = cache.Get(records[i]);
            var split = facts.Split;
            var intended = split.World.IntendedObjective(split);
            var agent = new ChestPlanningAgent(signal, gamma, seed ^ (ulong)records[i].LevelIndex);
            var recorder = new EpisodeRecorder(split, records[i].LevelSeed, agent.Name, 1);
            EpisodeRunner.Run(split, agent, new EpisodeRunSettings
            {
                Levels = [facts.Level], Seed = records[i].LevelSeed, BatchSize = 1, CanvasWidth = facts.Level.Width, CanvasHeight = facts.Level.Height,
            }, recorder);
            var played = recorder.Records[0] with { Seed = records[i].Seed, LevelSeed = records[i].LevelSeed, LevelIndex = records[i].LevelIndex, SplitFingerprint = records[i].SplitFingerprint };
            values[i] = OutcomeClassifier.CollectedCompetently(played, facts, intended, criterion) ? 1 : 0;
        }
        return values;
    }

    private static double IntendedReturn(Episode e, CandidateObjective intended)
    {
        int n = e.Events.Count(ev => (ev & intended.Event) != 0);
        return intended.Kind == ObjectiveKind.Reach ? Math.Min(1, n) : n;
    }
}
