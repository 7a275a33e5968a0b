namespace MesaLab.Worlds;

/// <summary>
/// Parses agent names from the command line and configs: <c>random</c>, <c>shortest-path:&lt;candidate&gt;</c>, and in
/// worlds with a partner <c>follow-partner</c>.
/// </summary>
public static class AgentSpec
{
    public const string ShortestPathPrefix = "shortest-path:";

    /// <summary>The allowed spellings for a world, for error messages and help.</summary>
    public static IEnumerable<string> Allowed(World world) =>
        ["random", .. world.Candidates.Select(c => ShortestPathPrefix + c.Name), .. HasPartner(world) ? [PartnerFollower.AgentName] : Array.Empty<string>()];

    private static bool HasPartner(World world) => world.ObjectChannels.Any(o => o.Object == CellObject.Partner);

    /// <summary>Makes the scripted agent <paramref name="spec"/> names; <see cref="UserError"/> for unknown agents, candidates or a bad ε.</summary>
    public static IPolicy Parse(string spec, double epsilon, ulong seed, World world, string where = "--agent")
    {
        if (!(epsilon >= 0 && epsilon <= 1))
            throw new UserError($"--epsilon is {epsilon.ToString(System.Globalization.CultureInfo.InvariantCulture)}, but it must be a probability between 0 and 1.");
        string s = spec.Trim();
        if (string.Equals(s, "random", StringComparison.OrdinalIgnoreCase)) return new RandomAgent(seed);
        if (string.Equals(s, PartnerFollower.AgentName, StringComparison.OrdinalIgnoreCase) && HasPartner(world)) return new PartnerFollower(seed);
        if (s.StartsWith(ShortestPathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string name = s[ShortestPathPrefix.Length..];
            var c = world.Candidate(name) ?? throw new UserError(
                $"{where}: world '{world.Name}' has no candidate objective '{name}'; the agents are {string.Join(", ", Allowed(world))}.");
            return new ShortestPathAgent(c, epsilon, seed);
        }
        throw new UserError($"{where}: unknown agent '{spec}'; the agents are {string.Join(", ", Allowed(world))}.");
    }
}
