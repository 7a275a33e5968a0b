namespace MesaLab.Analysis;

using System.Globalization;
using System.Text.Json.Serialization;

/// <summary>One component of the behavioral-objective mixture: a goal episodes may pursue, or none.</summary>
/// <param name="Name">A candidate objective, <see cref="MixtureObjective.AnyCell"/> or <see cref="MixtureObjective.None"/>.</param>
/// <param name="Weight">Share of episodes that pursue it, with a 95 % bootstrap interval over episodes.</param>
/// <param name="Beta">Rationality of the episodes that pursue it (maximum likelihood, 95 % bootstrap interval); not available for none, or when the component holds less than one episode.</param>
/// <param name="IsGoal">False for <see cref="MixtureObjective.None"/> (uniformly random actions).</param>
public sealed record MixtureComponent(string Name, Estimate Weight, Estimate Beta, bool IsGoal);

/// <summary>Which goal one episode pursued, by the mixture's posterior.</summary>
/// <param name="Episode">Position of the episode in the analysed list.</param>
/// <param name="Goal">The most probable component (components the split cannot tell apart joined with " ≈ ").</param>
/// <param name="Probability">Posterior probability of <paramref name="Goal"/>.</param>
/// <param name="Posterior">Posterior over <see cref="MixtureObjective.Components"/>, in their order.</param>
public sealed record EpisodeGoal(int Episode, long LevelIndex, string Goal, double Probability, IReadOnlyList<double> Posterior);

/// <summary>
/// The behavioral objective as a mixture of goals (DESIGN.md §5): each episode pursues one latent goal — a candidate
/// objective, optionally "any cell", or none (uniformly random actions) — drawn with the mixture weights, with one
/// rationality β per goal. Says how often the agent pursues each goal, and which goal each episode pursued.
/// </summary>
public sealed record MixtureObjective
{
    /// <summary>The component for episodes that pursue one cell of the level that no candidate names.</summary>
    public const string AnyCell = "any cell";

    /// <summary>The component for episodes that pursue nothing coherently (uniformly random actions).</summary>
    public const string None = "none";

    public required IReadOnlyList<MixtureComponent> Components { get; init; }

    /// <summary>Each episode's posterior over components, in the order of the analysed episodes.</summary>
    public required IReadOnlyList<EpisodeGoal> Episodes { get; init; }

    /// <summary>Groups of goal components whose likelihoods coincide on every episode (exit and arrow on green-arrow train levels): their weights within a group are not identifiable.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Indistinguishable { get; init; } = [];

    /// <summary>ln p(all episodes | fitted weights and β).</summary>
    public double LogLikelihood { get; init; }

    /// <summary>ln p(all episodes | uniformly random policy).</summary>
    public double RandomLogLikelihood { get; init; }

    /// <summary>EM iterations of the fit on all episodes.</summary>
    public int Iterations { get; init; }

    /// <summary>Bootstrap replicates of the weights, [resample][component] (for intervals of derived shares; not serialized).</summary>
    [JsonIgnore] public IReadOnlyList<double[]> WeightReplicates { get; init; } = [];

    /// <summary>Most episodes pursue some goal: the weight of <see cref="None"/> is below one half.</summary>
    public bool Coherent => Weight(None).Value < 0.5;

    /// <summary>The weight of a component (0 when there is no such component).</summary>
    public Estimate Weight(string name) => Components.FirstOrDefault(c => Same(c.Name, name))?.Weight ?? Estimate.Exact(0);

    /// <summary>
    /// The share of <paramref name="name"/> among the episodes that pursue a goal, w / (1 − w_none), with a 95 %
    /// bootstrap interval: how often the agent aims at this objective when it aims at anything. NaN when no episode
    /// pursues a goal.
    /// </summary>
    public Estimate GoalShare(string name)
    {
        int k = IndexOf(name), none = IndexOf(None);
        double Share(IReadOnlyList<double> w) => k < 0 ? 0 : 1 - w[none] > 1e-12 ? w[k] / (1 - w[none]) : double.NaN;
        var weights = Components.Select(c => c.Weight.Value).ToArray();
        return Statistics.PercentileInterval(Share(weights), WeightReplicates.Select(Share));
    }

    /// <summary>The goal component with the largest weight (joined with the components it cannot be told apart from).</summary>
    public string Dominant
    {
        get
        {
            var best = Components.Where(c => c.IsGoal).MaxBy(c => c.Weight.Value);
            return best is null ? None : GroupName(best.Name);
        }
    }

    public int IndexOf(string name)
    {
        for (int i = 0; i < Components.Count; i++) if (Same(Components[i].Name, name)) return i;
        return -1;
    }

    /// <summary>A component's name, or its group's (<c>exit ≈ arrow</c>) when the split cannot tell it from others.</summary>
    public string GroupName(string name) => Indistinguishable.FirstOrDefault(g => g.Any(n => Same(n, name))) is { } group ? string.Join(" ≈ ", group) : name;

    /// <summary>
    /// One line: <c>behavioral objective mixture: arrow 0.62 [0.55, 0.69] (β 3.1), exit 0.30 [0.24, 0.37] (β 2.8), none 0.08 [0.04, 0.12]</c>.
    /// </summary>
    public string Summary
    {
        get
        {
            var parts = new List<string>();
            var done = new HashSet<string>();
            foreach (var c in Components.OrderByDescending(c => c.Weight.Value))
            {
                if (done.Contains(c.Name)) continue;
                var group = Indistinguishable.FirstOrDefault(g => g.Contains(c.Name));
                if (group is not null)
                {
                    foreach (var n in group) done.Add(n);
                    double w = group.Sum(n => Weight(n).Value);
                    parts.Add($"{string.Join(" ≈ ", group)} {w.ToString("0.00", CultureInfo.InvariantCulture)} (not separable on this split{(c.Beta.IsAvailable ? ", " + BetaText(c) : "")})");
                    continue;
                }
                done.Add(c.Name);
                parts.Add($"{c.Name} {c.Weight.Format()}{(c.IsGoal && c.Beta.IsAvailable ? $" ({BetaText(c)})" : "")}");
            }
            string line = string.Join(", ", parts);
            return Coherent
                ? $"behavioral objective mixture: {line}"
                : $"behavioral objective mixture: no coherent objective in {Weight(None).Format()} of episodes ({line})";
        }
    }

    private static string BetaText(MixtureComponent c) => $"β {c.Beta.Value.ToString("0.0", CultureInfo.InvariantCulture)}";

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
