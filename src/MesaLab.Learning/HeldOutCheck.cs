namespace MesaLab.Learning;

using MesaLab.Worlds;

/// <summary>What a policy achieved on a fixed block of levels: the base objective's success rate and episode length.</summary>
public sealed record HeldOutResult(string Split, long FirstLevel, int Levels, double SuccessRate, double MeanEpisodeLength, double MeanReturn);

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
        long next = firstLevel;
        for (int i = 0; i < instances; i++) { batch.ResetInstance(i, next++, obs); active[i] = true; }
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
                if (!active[i] || !(batch.Terminated[i] || batch.Truncated[i])) continue;
                done++;
                length += batch.FinalLength[i];
                ret += batch.FinalReturn[i];
                if ((batch.FinalEvents[i] & goal) != 0) successes++;
                if (next < firstLevel + levels) batch.ResetInstance(i, next++, obs);
                else { active[i] = false; live--; }
            }
        }
        return new HeldOutResult(split.Name, firstLevel, levels, (double)successes / done, (double)length / done, ret / done);
    }
}
