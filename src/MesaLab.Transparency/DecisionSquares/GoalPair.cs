namespace MesaLab.Transparency;

using MesaLab.Worlds;

/// <summary>The two single-cell goals behaviour at a decision square tells apart: the base objective's goal and a proxy (the green arrow).</summary>
public sealed record GoalPair(CandidateObjective Goal, CandidateObjective Proxy)
{
    /// <summary>
    /// The split's base objective and <paramref name="proxy"/> (null: the first other single-cell candidate). Errors name
    /// <paramref name="field"/> and the allowed candidates.
    /// </summary>
    public static GoalPair Of(Split split, string? proxy, string field)
    {
        var world = split.World;
        var goal = world.BaseObjective(split);
        static bool SingleCell(CandidateObjective c) => c.Kind == ObjectiveKind.Reach && c.Object is not (CellObject.None or CellObject.Lava);
        var allowed = world.Candidates.Where(c => SingleCell(c) && c.Name != goal.Name).Select(c => c.Name).ToList();
        if (!SingleCell(goal) || allowed.Count == 0)
            throw new UserError($"world '{world.Name}' has no two single-cell goals to tell apart (base objective '{goal.Name}'); decision squares need a world such as green-arrow-maze.");
        var p = proxy is { } name ? world.RequireCandidate(name, field) : world.Candidates.First(c => allowed.Contains(c.Name));
        if (!allowed.Contains(p.Name))
            throw new UserError($"{field} is '{p.Name}', but it must be a single-cell candidate other than the base objective '{goal.Name}': {string.Join(", ", allowed)}.");
        return new GoalPair(goal, p);
    }
}
