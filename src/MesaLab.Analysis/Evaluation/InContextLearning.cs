namespace MesaLab.Analysis;

using MesaLab.Worlds;

/// <summary>Steps and success by episode within a trial, for one memory condition.</summary>
/// <param name="Condition"><c>memory kept</c> (forgotten only when a trial begins) or <c>memory reset</c> (forgotten every episode).</param>
/// <param name="Steps">Per episode of the trial: mean steps over trials (an episode that fails counts its step limit), 95 % normal interval.</param>
/// <param name="Success">Per episode of the trial: share of trials whose episode reached the base objective (Wilson interval).</param>
/// <param name="StepsByTrial">[trial][episode]: the steps of every episode, for pooling over seeds.</param>
public sealed record InContextCurve(string Condition, IReadOnlyList<Estimate> Steps, IReadOnlyList<Estimate> Success, IReadOnlyList<IReadOnlyList<int>> StepsByTrial);

/// <summary>The in-context learning measure of one policy on one split.</summary>
/// <param name="LaterOverFirst">Per condition (same order as <see cref="Curves"/>): mean steps of episodes 2.. over mean steps of episode 1, over all trials (below 1: later episodes are faster), with a 95 % bootstrap interval over trials.</param>
public sealed record InContextResult(string Policy, string Split, int Trials, int EpisodesPerTrial, IReadOnlyList<InContextCurve> Curves, IReadOnlyList<Estimate> LaterOverFirst)
{
    public InContextCurve Curve(string condition) => Curves.Single(c => c.Condition == condition);
}

/// <summary>
/// In-context learning (meta-RL): trials of several episodes in the same level, whose goal the policy cannot see (a split
/// with hidden goals), played once with the policy's memory kept across the episodes of a trial and once with it
/// forgotten at every episode. A learner that uses what it found in earlier episodes needs fewer steps later in the trial
/// with memory kept, and not with memory reset. Trial t plays level t of the split (seeded), so both conditions see the
/// same levels; each trial runs on its own (one instance), so its episodes follow each other.
/// </summary>
public static class InContextLearning
{
    public const string MemoryKept = "memory kept";
    public const string MemoryReset = "memory reset";

    public static InContextResult Run(Split split, IMemoryPolicy policy, int trials, int episodesPerTrial, ulong seed, CancellationToken cancel = default)
    {
        if (trials < 1 || episodesPerTrial < 1) throw new UserError($"in-context learning needs at least one trial of one episode; got {trials} trials of {episodesPerTrial}.");
        var generator = split.World.CreateGenerator(split);
        var levels = Enumerable.Range(0, trials).Select(t => generator.Generate(seed, t)).ToList();
        var curves = new List<InContextCurve>();
        var ratios = new List<Estimate>();
        bool original = policy.ForgetsAtEpisodeStart;
        try
        {
            policy.ForgetsAtEpisodeStart = false;
            foreach (var condition in new[] { MemoryKept, MemoryReset })
            {
                var steps = new int[trials][];
                var solved = new bool[trials][];
                for (int t = 0; t < trials; t++) { steps[t] = new int[episodesPerTrial]; solved[t] = new bool[episodesPerTrial]; }
                var goal = split.World.BaseObjective(split).Event;
                EpisodeRunner.Run(split, policy, new EpisodeRunSettings
                {
                    Levels = [.. Enumerable.Range(0, trials * episodesPerTrial).Select(e => levels[e / episodesPerTrial])],
                    Seed = seed,
                    BatchSize = 1,
                    CanvasWidth = generator.MaxWidth,
                    CanvasHeight = generator.MaxHeight,
                }, new TrialObserver(policy, condition == MemoryReset, episodesPerTrial, steps, solved, goal), cancel: cancel);
                curves.Add(new InContextCurve(condition,
                    [.. Enumerable.Range(0, episodesPerTrial).Select(e => Estimate.OfMean([.. steps.Select(s => (double)s[e])]))],
                    [.. Enumerable.Range(0, episodesPerTrial).Select(e => Statistics.Wilson(solved.Count(s => s[e]), trials))],
                    [.. steps.Select(s => (IReadOnlyList<int>)s)]));
                ratios.Add(episodesPerTrial < 2 ? Estimate.NotAvailable : LaterOverFirst(steps, seed));
            }
        }
        finally
        {
            policy.ForgetsAtEpisodeStart = original;
        }
        return new InContextResult(policy.Name, split.Name, trials, episodesPerTrial, curves, ratios);
    }

    /// <summary>Ratio of means (a per-trial ratio explodes when a first episode happens to be short), bootstrapped over trials.</summary>
    private static Estimate LaterOverFirst(int[][] steps, ulong seed)
    {
        static double Ratio(IEnumerable<int[]> trials) =>
            trials.Average(s => s.Skip(1).Average()) / Math.Max(1e-9, trials.Average(s => (double)s[0]));
        var rng = new Rng(seed ^ 0x1C1_0F_7A1UL);
        var replicates = new double[1000];
        for (int r = 0; r < replicates.Length; r++)
            replicates[r] = Ratio(Enumerable.Range(0, steps.Length).Select(_ => steps[rng.Next(steps.Length)]).ToArray());
        return Estimate.FromReplicates(Ratio(steps), replicates);
    }

    /// <summary>Forgets at trial starts (and, for the reset condition, at every episode) and records steps per episode.</summary>
    private sealed class TrialObserver(IMemoryPolicy policy, bool resetEveryEpisode, int perTrial, int[][] steps, bool[][] solved, StepEvents goal) : IEpisodeObserver
    {
        public void Started(int episode, WorldBatch batch, int instance)
        {
            if (resetEveryEpisode || episode % perTrial == 0) policy.Forget(instance);
        }

        public void Ended(int episode, WorldBatch batch, int instance, EpisodeEnd end)
        {
            steps[episode / perTrial][episode % perTrial] = end.Length;
            solved[episode / perTrial][episode % perTrial] = (end.Events & goal) != 0;
        }
    }
}
