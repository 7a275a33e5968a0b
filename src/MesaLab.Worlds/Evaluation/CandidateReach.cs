namespace MesaLab.Worlds;

/// <summary>How often and how fast one candidate objective was achieved over a set of episodes.</summary>
/// <param name="Candidate">The candidate objective's name.</param>
/// <param name="ReachedShare">Share of episodes in which it was achieved at least once.</param>
/// <param name="MeanStepsToReach">Mean step of the first achievement, over the episodes that achieved it (null if none did).</param>
/// <param name="MeanRatioToShortest">Mean of (steps to first achievement) / (shortest-path length from the start), over those episodes (null if none).</param>
/// <param name="ReachableShare">Share of episodes in which a path to it existed at the start.</param>
public sealed record CandidateReach(string Candidate, double ReachedShare, double? MeanStepsToReach, double? MeanRatioToShortest, double ReachableShare);

/// <summary>The result of playing a policy for a number of episodes on one split.</summary>
public sealed record PlayResult(string World, string Split, string Agent, int Episodes, ulong Seed, double MeanReturn, double MeanLength,
    string BaseObjective, string IntendedObjective, IReadOnlyList<CandidateReach> Candidates);

/// <summary>
/// Plays a policy on levels 0..N−1 of a split and measures, per candidate objective, whether and how fast it
/// was achieved, judged against that candidate's shortest-path length on the same level (so "fast" means the
/// same on a 5×5 and a 25×25 maze).
/// </summary>
public static class Playthrough
{
    public static PlayResult Run(Split split, IPolicy policy, int episodes, ulong seed, int batchSize = 32)
    {
        if (episodes < 1) throw new UserError($"--episodes is {episodes}, but it must be at least 1.");
        var world = split.World;
        var candidates = world.Candidates;
        var tally = new Tally(candidates);
        EpisodeRunner.Run(split, policy, new EpisodeRunSettings { Episodes = episodes, Seed = seed, BatchSize = batchSize }, tally);
        var per = new List<CandidateReach>();
        for (int k = 0; k < candidates.Count; k++)
            per.Add(new CandidateReach(candidates[k].Name, tally.Reached[k] / (double)episodes,
                tally.Reached[k] > 0 ? tally.SumSteps[k] / tally.Reached[k] : null,
                tally.RatioCount[k] > 0 ? tally.SumRatio[k] / tally.RatioCount[k] : null,
                tally.Reachable[k] / (double)episodes));
        return new PlayResult(world.Name, split.Name, policy.Name, episodes, seed, tally.SumReturn / episodes, tally.SumLength / episodes,
            world.BaseObjective(split).Name, world.IntendedObjective(split).Name, per);
    }

    /// <summary>Per candidate: the step it was first achieved in each episode, against its shortest path at the start.</summary>
    private sealed class Tally(IReadOnlyList<CandidateObjective> candidates) : IEpisodeObserver
    {
        private readonly Dictionary<int, (int[] First, int[] Shortest)> open = [];
        public double SumReturn, SumLength;
        public readonly int[] Reached = new int[candidates.Count], Reachable = new int[candidates.Count], RatioCount = new int[candidates.Count];
        public readonly double[] SumSteps = new double[candidates.Count], SumRatio = new double[candidates.Count];

        public void Started(int episode, WorldBatch batch, int instance)
        {
            var first = new int[candidates.Count];
            Array.Fill(first, -1);
            open[episode] = (first, [.. candidates.Select(c => Bfs.ShortestPathLength(batch.Levels[instance], c))]);
        }

        public void Stepped(int episode, WorldBatch batch, int instance, Move move)
        {
            var first = open[episode].First;
            var ev = batch.Events[instance];
            for (int k = 0; k < candidates.Count; k++)
                if (first[k] < 0 && (ev & candidates[k].Event) != 0) first[k] = batch.StepCount[instance];
        }

        public void Ended(int episode, WorldBatch batch, int instance, EpisodeEnd end)
        {
            var (first, shortest) = open[episode];
            open.Remove(episode);
            SumReturn += end.Return;
            SumLength += end.Length;
            for (int k = 0; k < candidates.Count; k++)
            {
                if (shortest[k] != Bfs.Unreachable) Reachable[k]++;
                if (first[k] < 0) continue;
                Reached[k]++;
                SumSteps[k] += first[k];
                if (shortest[k] != Bfs.Unreachable && shortest[k] > 0) { SumRatio[k] += first[k] / (double)shortest[k]; RatioCount[k]++; }
            }
        }
    }
}
