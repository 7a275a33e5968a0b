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
        int b = Math.Min(batchSize, episodes);
        var batch = new WorldBatch(split, b, seed, new BatchOptions { AutoReset = false });
        var obs = policy.NeedsObservations ? new float[b * batch.ObservationSize] : [];
        var moves = new Move[b];
        var first = new int[b, candidates.Count];
        var shortest = new int[b, candidates.Count];
        var active = new bool[b];
        long next = 0;

        double sumReturn = 0, sumLength = 0;
        var reached = new int[candidates.Count];
        var reachable = new int[candidates.Count];
        var sumSteps = new double[candidates.Count];
        var sumRatio = new double[candidates.Count];
        var ratioCount = new int[candidates.Count];

        void Begin(int i)
        {
            batch.ResetInstance(i, next++, obs);
            active[i] = true;
            for (int k = 0; k < candidates.Count; k++)
            {
                first[i, k] = -1;
                shortest[i, k] = Bfs.ShortestPathLength(batch.Levels[i], candidates[k]);
            }
        }

        for (int i = 0; i < b; i++) Begin(i);
        int live = b;
        while (live > 0)
        {
            policy.Act(batch, obs, moves);
            batch.Step(moves, obs);
            for (int i = 0; i < b; i++)
            {
                if (!active[i]) continue;
                var ev = batch.Events[i];
                for (int k = 0; k < candidates.Count; k++)
                    if (first[i, k] < 0 && (ev & candidates[k].Event) != 0) first[i, k] = batch.StepCount[i];
                if (!batch.Terminated[i] && !batch.Truncated[i]) continue;

                sumReturn += batch.FinalReturn[i];
                sumLength += batch.FinalLength[i];
                for (int k = 0; k < candidates.Count; k++)
                {
                    if (shortest[i, k] != Bfs.Unreachable) reachable[k]++;
                    if (first[i, k] < 0) continue;
                    reached[k]++;
                    sumSteps[k] += first[i, k];
                    if (shortest[i, k] != Bfs.Unreachable && shortest[i, k] > 0) { sumRatio[k] += first[i, k] / (double)shortest[i, k]; ratioCount[k]++; }
                }
                if (next < episodes) Begin(i);
                else { active[i] = false; live--; }
            }
        }

        var per = new List<CandidateReach>();
        for (int k = 0; k < candidates.Count; k++)
            per.Add(new CandidateReach(candidates[k].Name, reached[k] / (double)episodes,
                reached[k] > 0 ? sumSteps[k] / reached[k] : null,
                ratioCount[k] > 0 ? sumRatio[k] / ratioCount[k] : null,
                reachable[k] / (double)episodes));
        return new PlayResult(world.Name, split.Name, policy.Name, episodes, seed, sumReturn / episodes, sumLength / episodes,
            world.BaseObjective(split).Name, world.IntendedObjective(split).Name, per);
    }
}
