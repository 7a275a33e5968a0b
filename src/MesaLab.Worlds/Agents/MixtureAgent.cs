namespace MesaLab.Worlds;

using System.Globalization;

/// <summary>
/// A scripted agent that pursues one goal per episode, drawn from fixed weights: each component is a candidate
/// objective (followed as <see cref="ShortestPathAgent"/> does) or <c>random</c> (uniformly random moves). It is
/// the ground truth for mixture inference of the behavioral objective. The goal of an episode is a pure function
/// of the agent's seed, the level seed and the level index (<see cref="GoalOf"/>), so it does not depend on how
/// episodes are batched; with <c>epsilon</c> &gt; 0 every move is uniformly random with that probability.
/// </summary>
public sealed class MixtureAgent : IPolicy
{
    /// <summary>The component name for uniformly random moves.</summary>
    public const string Random = "random";

    private static readonly ulong Stream = Rng.Hash("mixture-agent");
    private readonly ShortestPathAgent?[] seekers;
    private readonly double[] cumulative;
    private readonly double epsilon;
    private readonly ulong seed;
    private Rng rng;
    private Move[][] proposals = [];
    private int[] goalOf = [];
    private long[] goalLevel = [];

    /// <param name="components">Names (candidate objectives or <see cref="Random"/>) with weights that sum to 1.</param>
    /// <param name="candidates">The candidate objective of each component; null for <see cref="Random"/>.</param>
    public MixtureAgent(IReadOnlyList<(string Name, double Weight)> components, IReadOnlyList<CandidateObjective?> candidates, double epsilon = 0, ulong seed = 0)
    {
        if (components.Count == 0 || components.Count != candidates.Count) throw new ArgumentException("give one candidate (or null for random) per component.");
        if (!(epsilon >= 0 && epsilon <= 1)) throw new UserError($"--epsilon is {epsilon.ToString(CultureInfo.InvariantCulture)}, but it must be a probability between 0 and 1.");
        Components = components;
        this.epsilon = epsilon;
        this.seed = seed;
        rng = new Rng(seed ^ 0x313C_7A6E_0A7DUL);
        seekers = candidates.Select((c, k) => c is null ? null : new ShortestPathAgent(c, 0, seed + (ulong)k)).ToArray();
        cumulative = new double[components.Count];
        double total = components.Sum(c => c.Weight), sum = 0;
        for (int k = 0; k < components.Count; k++) cumulative[k] = (sum += components[k].Weight) / total;
        Name = "mixture:" + string.Join(",", components.Select(c => c.Name + "=" + c.Weight.ToString("0.###", CultureInfo.InvariantCulture)))
            + (epsilon > 0 ? $" (ε={epsilon.ToString(CultureInfo.InvariantCulture)})" : "");
    }

    public string Name { get; }
    public bool NeedsObservations => false;

    /// <summary>The components and their weights, as given.</summary>
    public IReadOnlyList<(string Name, double Weight)> Components { get; }

    /// <summary>The component this agent pursues on level <paramref name="levelIndex"/> of the level stream <paramref name="levelSeed"/>.</summary>
    public string GoalOf(ulong levelSeed, long levelIndex) => Components[Draw(levelSeed, levelIndex)].Name;

    private int Draw(ulong levelSeed, long levelIndex)
    {
        var r = Rng.ForLevel(seed ^ levelSeed, Stream, levelIndex);
        double u = r.NextDouble();
        for (int k = 0; k < cumulative.Length - 1; k++) if (u < cumulative[k]) return k;
        return cumulative.Length - 1;
    }

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        if (proposals.Length != seekers.Length || proposals[0].Length != batch.Count)
        {
            proposals = [.. seekers.Select(_ => new Move[batch.Count])];
            goalOf = new int[batch.Count];
            goalLevel = new long[batch.Count];
            Array.Fill(goalLevel, long.MinValue);
        }
        // Every seeker keeps its own maps of every instance current, so it can take over at any episode start.
        for (int k = 0; k < seekers.Length; k++) seekers[k]?.Act(batch, observations, proposals[k]);
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            if (batch.StepCount[i] == 0 || goalLevel[i] != level.Index)
            {
                goalOf[i] = Draw(level.Seed, level.Index);
                goalLevel[i] = level.Index;
            }
            bool noisy = epsilon > 0 && rng.NextDouble() < epsilon;
            moves[i] = noisy || seekers[goalOf[i]] is null ? (Move)rng.Next(Moves.Count) : proposals[goalOf[i]][i];
        }
    }
}
