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
        instances = Math.Max(1, Math.Min(instances, levels));
        var batch = new WorldBatch(split, instances, seed, new BatchOptions { AutoReset = false, FirstLevelIndex = firstLevel });
        var obs = policy.NeedsObservations ? new float[instances * batch.ObservationSize] : [];
        var moves = new Move[instances];
        var active = new bool[instances];
        var goal = split.World.BaseObjective(split).Event;
        var candidates = split.World.Candidates;
        var first = new int[instances];
        var reached = new int[candidates.Count];
        var reachedFirst = new int[candidates.Count + 1];
        long next = firstLevel;
        for (int i = 0; i < instances; i++) { batch.ResetInstance(i, next++, obs); active[i] = true; first[i] = -1; }
        int done = 0, successes = 0;
        long length = 0;
        double ret = 0;
        int live = instances;
        while (live > 0)
        {
            policy.Act(batch, obs, moves);
            batch.Step(moves, obs);
            for (int i = 0; i < instances; i++)
            {
                if (!active[i]) continue;
                if (first[i] < 0)
                    for (int c = 0; c < candidates.Count; c++)
                        if ((batch.Events[i] & candidates[c].Event) != 0) { first[i] = c; break; }
                if (!(batch.Terminated[i] || batch.Truncated[i])) continue;
                done++;
                for (int c = 0; c < candidates.Count; c++) if ((batch.FinalEvents[i] & candidates[c].Event) != 0) reached[c]++;
                reachedFirst[first[i] < 0 ? candidates.Count : first[i]]++;
                first[i] = -1;
                length += batch.FinalLength[i];
                ret += batch.FinalReturn[i];
                if ((batch.FinalEvents[i] & goal) != 0) successes++;
                if (next < firstLevel + levels) batch.ResetInstance(i, next++, obs);
                else { active[i] = false; live--; }
            }
        }
        return new HeldOutResult(split.Name, firstLevel, levels, (double)successes / done, (double)length / done, ret / done)
        {
            Reached = candidates.Select((c, k) => (c.Name, (double)reached[k] / done)).ToDictionary(x => x.Name, x => x.Item2),
            ReachedFirst = candidates.Select((c, k) => (c.Name, (double)reachedFirst[k] / done)).Append(("none", (double)reachedFirst[candidates.Count] / done)).ToDictionary(x => x.Item1, x => x.Item2),
        };
    }
}
