namespace MesaLab.Worlds;

/// <summary>
/// Features of a transition (cell, move) that a reward model is linear in: for every candidate objective of the world
/// that is a goal cell marked by an object, its <c>progress</c> (how many steps closer to its nearest goal cell the
/// move brings the agent: +1, 0 or −1) and <c>enter</c> (1 when the move enters a goal cell); and <c>bump</c> (1 when
/// a wall blocks the move). On green-arrow-maze: exit.progress, exit.enter, arrow.progress, arrow.enter, bump. Where
/// two candidates share their goal cells (the arrow on the exit in training) their features are equal, so no
/// preference between such transitions can tell their weights apart.
/// </summary>
public sealed class TransitionFeatures
{
    public TransitionFeatures(World world)
    {
        Candidates = [.. world.Candidates.Where(c => c.Kind == ObjectiveKind.Reach && c.Object is not (CellObject.None or CellObject.Lava))];
        if (Candidates.Count == 0)
            throw new UserError($"world '{world.Name}' has no candidate objective that is a goal cell marked by an object; reward models need such candidates (green-arrow-maze has exit and arrow).");
        Names = [.. Candidates.SelectMany(c => new[] { $"{c.Name}.progress", $"{c.Name}.enter" }), "bump"];
    }

    /// <summary>The candidates the features describe, in feature order.</summary>
    public IReadOnlyList<CandidateObjective> Candidates { get; }

    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    /// <summary>The index of a candidate's progress feature (its enter feature follows it).</summary>
    public int ProgressOf(string candidate)
    {
        for (int k = 0; k < Candidates.Count; k++)
            if (string.Equals(Candidates[k].Name, candidate, StringComparison.OrdinalIgnoreCase)) return 2 * k;
        throw new UserError($"'{candidate}' is not a goal-cell candidate of these features; they describe {string.Join(", ", Candidates.Select(c => c.Name))}.");
    }

    /// <summary>Writes φ(cell, move) at <c>phi[(cell * 4 + move) * Count + k]</c>.</summary>
    public void Fill(Level level, Span<double> phi)
    {
        int n = level.CellCount, k = Count;
        phi[..(n * Moves.Count * k)].Clear();
        for (int j = 0; j < Candidates.Count; j++)
        {
            var goals = Bfs.Goals(level, Candidates[j]);
            var d = Bfs.DistancesTo(level, goals);
            var isGoal = new bool[n];
            foreach (int g in goals) isGoal[g] = true;
            for (int c = 0; c < n; c++)
                for (int a = 0; a < Moves.Count; a++)
                {
                    int next = level.Neighbor(c, (Move)a), at = (c * Moves.Count + a) * k + 2 * j;
                    if (d[c] != Bfs.Unreachable && d[next] != Bfs.Unreachable) phi[at] = Math.Clamp(d[c] - d[next], -1, 1);
                    if (next != c && isGoal[next]) phi[at + 1] = 1;
                }
        }
        for (int c = 0; c < n; c++)
            for (int a = 0; a < Moves.Count; a++)
                if (level.Neighbor(c, (Move)a) == c) phi[(c * Moves.Count + a) * k + k - 1] = 1;
    }

    /// <summary>The features of a level in a new array.</summary>
    public double[] Table(Level level)
    {
        var phi = new double[level.CellCount * Moves.Count * Count];
        Fill(level, phi);
        return phi;
    }
}

/// <summary>A reward linear in <see cref="TransitionFeatures"/>: r(cell, move) = Σₖ wₖ φₖ(cell, move). A learned reward model, or the overseer's own score.</summary>
public sealed class LinearFeatureReward : TransitionReward
{
    public LinearFeatureReward(TransitionFeatures features, IReadOnlyList<double> weights, string? name = null)
    {
        if (weights.Count != features.Count) throw new ArgumentException($"{features.Count} weights are needed, one per feature ({string.Join(", ", features.Names)}).", nameof(weights));
        Features = features;
        Weights = [.. weights];
        Name = name ?? "linear reward " + string.Join(" ", features.Names.Select((f, i) => $"{f}={Weights[i]:0.###}"));
    }

    public TransitionFeatures Features { get; }
    public IReadOnlyList<double> Weights { get; }
    public override string Name { get; }

    public override void Fill(Level level, Span<double> rewards)
    {
        var phi = Features.Table(level);
        int k = Features.Count;
        for (int t = 0; t < level.CellCount * Moves.Count; t++)
        {
            double r = 0;
            for (int j = 0; j < k; j++) r += Weights[j] * phi[t * k + j];
            rewards[t] = r;
        }
    }

    /// <summary>
    /// The scripted overseer's score of a transition: one per step of progress toward the intended goal (−1 per step
    /// away) and 2 for entering it. What the overseer compares trajectory segments by.
    /// </summary>
    public static LinearFeatureReward Overseer(TransitionFeatures features, CandidateObjective intended)
    {
        var w = new double[features.Count];
        int p = features.ProgressOf(intended.Name);
        w[p] = 1;
        w[p + 1] = 2;
        return new LinearFeatureReward(features, w, $"overseer's score (progress toward {intended.Name}, 2 for entering it)");
    }
}
