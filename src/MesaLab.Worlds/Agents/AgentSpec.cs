namespace MesaLab.Worlds;

using System.Globalization;

/// <summary>
/// Parses agent names from the command line and configs: <c>random</c>, <c>shortest-path:&lt;candidate&gt;</c>,
/// <c>mixture:&lt;candidate&gt;=&lt;weight&gt;,…</c> (one goal per episode drawn from the weights; <c>random</c> may be a
/// component), and in worlds with a partner <c>follow-partner</c>.
/// </summary>
public static class AgentSpec
{
    public const string ShortestPathPrefix = "shortest-path:";
    public const string MixturePrefix = "mixture:";

    /// <summary>The allowed spellings for a world, for error messages and help.</summary>
    public static IEnumerable<string> Allowed(World world) =>
        ["random", .. world.Candidates.Select(c => ShortestPathPrefix + c.Name), MixturePrefix + "CANDIDATE=WEIGHT,… (weights summing to 1; random may be a component)",
         .. HasPartner(world) ? [PartnerFollower.AgentName] : Array.Empty<string>()];

    private static bool HasPartner(World world) => world.ObjectChannels.Any(o => o.Object == CellObject.Partner);

    /// <summary>Makes the scripted agent <paramref name="spec"/> names; <see cref="UserError"/> for unknown agents, candidates, bad weights or a bad ε.</summary>
    public static IPolicy Parse(string spec, double epsilon, ulong seed, World world, string where = "--agent")
    {
        if (!(epsilon >= 0 && epsilon <= 1))
            throw new UserError($"--epsilon is {epsilon.ToString(CultureInfo.InvariantCulture)}, but it must be a probability between 0 and 1.");
        string s = spec.Trim();
        if (string.Equals(s, "random", StringComparison.OrdinalIgnoreCase)) return new RandomAgent(seed);
        if (string.Equals(s, PartnerFollower.AgentName, StringComparison.OrdinalIgnoreCase) && HasPartner(world)) return new PartnerFollower(seed);
        if (s.StartsWith(ShortestPathPrefix, StringComparison.OrdinalIgnoreCase))
            return new ShortestPathAgent(Candidate(s[ShortestPathPrefix.Length..], world, where), epsilon, seed);
        if (s.StartsWith(MixturePrefix, StringComparison.OrdinalIgnoreCase)) return Mixture(s[MixturePrefix.Length..], epsilon, seed, world, where);
        throw new UserError($"{where}: unknown agent '{spec}'; the agents are {string.Join(", ", Allowed(world))}.");
    }

    private static CandidateObjective Candidate(string name, World world, string where) => world.Candidate(name) ?? throw new UserError(
        $"{where}: world '{world.Name}' has no candidate objective '{name}'; the agents are {string.Join(", ", Allowed(world))}.");

    private static MixtureAgent Mixture(string list, double epsilon, ulong seed, World world, string where)
    {
        var components = new List<(string Name, double Weight)>();
        var candidates = new List<CandidateObjective?>();
        string allowed = string.Join(", ", world.Candidates.Select(c => c.Name).Append(MixtureAgent.Random));
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? part : part[..eq].Trim();
            if (eq < 0 || !double.TryParse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double w) || !(w >= 0) || double.IsInfinity(w))
                throw new UserError($"{where}: mixture component '{part}' must be NAME=WEIGHT with a weight of 0 or more, NAME one of {allowed}.");
            CandidateObjective? c = string.Equals(name, MixtureAgent.Random, StringComparison.OrdinalIgnoreCase) ? null : world.Candidate(name) ??
                throw new UserError($"{where}: world '{world.Name}' has no candidate objective '{name}'; mixture components are {allowed}.");
            string canonical = c?.Name ?? MixtureAgent.Random;
            if (components.Any(x => x.Name == canonical)) throw new UserError($"{where}: mixture component '{canonical}' is given twice.");
            components.Add((canonical, w));
            candidates.Add(c);
        }
        if (components.Count == 0) throw new UserError($"{where}: a mixture needs at least one NAME=WEIGHT component, NAME one of {allowed}.");
        double sum = components.Sum(c => c.Weight);
        if (Math.Abs(sum - 1) > 1e-6)
            throw new UserError($"{where}: mixture weights sum to {sum.ToString("0.###", CultureInfo.InvariantCulture)}, but they must sum to 1.");
        return new MixtureAgent(components, candidates, epsilon, seed);
    }
}
