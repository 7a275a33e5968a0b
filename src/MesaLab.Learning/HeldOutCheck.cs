namespace MesaLab.Learning;

using MesaLab.Worlds;

/// <summary>What a policy achieved on a fixed block of levels: the base objective's success rate and episode length.</summary>
public sealed record HeldOutResult(string Split, long FirstLevel, int Levels, double SuccessRate, double MeanEpisodeLength, double MeanReturn)
{
    /// <summary>Per candidate objective: the fraction of episodes in which it was reached at all.</summary>
    public Dictionary<string, double> Reached { get; init; } = [];

    /// <summary>Per candidate objective: the fraction of episodes in which it was the first candidate reached ("none" when none was).</summary>
    public Dictionary<string, double> ReachedFirst { get; init; } = [];
}

/// <summary>
/// The learner's own competence check: runs a policy once on each of <c>levels</c> consecutive level indices
/// (by default from 2^40, disjoint from the indices training draws) and counts base-objective successes.
/// Full evaluation — outcomes, candidate objectives, trajectories — belongs to the analysis layer.
/// </summary>
public static class HeldOutCheck
{
    /// <summary>First level index of held-out checks: far beyond any index a training run reaches.</summary>
    public const long FirstHeldOutLevel = 1L << 40;

    public static HeldOutResult Run(IPolicy policy, Split split, ulong seed, int levels = 1000, long firstLevel = FirstHeldOutLevel, int instances = 64)
    {
        var tally = new Tally(split);
        EpisodeRunner.Run(split, policy, new EpisodeRunSettings { Episodes = levels, Seed = seed, FirstLevel = firstLevel, BatchSize = instances }, tally);
        int done = tally.Done;
        var candidates = split.World.Candidates;
        return new HeldOutResult(split.Name, firstLevel, levels, (double)tally.Successes / done, (double)tally.Length / done, tally.Return / done)
        {
            Reached = candidates.Select((c, k) => (c.Name, (double)tally.Reached[k] / done)).ToDictionary(x => x.Name, x => x.Item2),
            ReachedFirst = candidates.Select((c, k) => (c.Name, (double)tally.ReachedFirst[k] / done)).Append(("none", (double)tally.ReachedFirst[candidates.Count] / done)).ToDictionary(x => x.Item1, x => x.Item2),
        };
    }

    /// <summary>Counts base-objective successes, lengths, returns and which candidate each episode reached (first).</summary>
    private sealed class Tally(Split split) : IEpisodeObserver
    {
        private readonly StepEvents goal = split.World.BaseObjective(split).Event;
        private readonly IReadOnlyList<CandidateObjective> candidates = split.World.Candidates;
        private readonly Dictionary<int, int> first = [];

        public int Done, Successes;
        public long Length;
        public double Return;
        public readonly int[] Reached = new int[split.World.Candidates.Count];
        public readonly int[] ReachedFirst = new int[split.World.Candidates.Count + 1];

        public void Started(int episode, WorldBatch batch, int instance) => first[episode] = -1;

        public void Stepped(int episode, WorldBatch batch, int instance, Move move)
        {
            if (first[episode] >= 0) return;
            for (int c = 0; c < candidates.Count; c++)
                if ((batch.Events[instance] & candidates[c].Event) != 0) { first[episode] = c; break; }
        }

        public void Ended(int episode, WorldBatch batch, int instance, EpisodeEnd end)
        {
            Done++;
            for (int c = 0; c < candidates.Count; c++) if ((end.Events & candidates[c].Event) != 0) Reached[c]++;
            int f = first[episode];
            first.Remove(episode);
            ReachedFirst[f < 0 ? candidates.Count : f]++;
            Length += end.Length;
            Return += end.Return;
            if ((end.Events & goal) != 0) Successes++;
        }
    }
}
