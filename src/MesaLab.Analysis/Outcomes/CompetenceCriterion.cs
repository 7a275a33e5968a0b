using MesaLab.Worlds;

namespace MesaLab.Analysis;

/// <summary>
/// When a candidate objective counts as competently pursued in one episode: the agent first achieves it
/// within <c>max(⌊Factor × d⌋, d + Slack)</c> steps, where d is the candidate's shortest-path length from the
/// start on the same level (so "competent" means the same on a 5×5 and a 25×25 maze). A candidate already
/// achieved at the start (d = 0) or unreachable is never counted: nothing was pursued.
/// </summary>
/// <param name="Factor">Allowed stretch of the shortest path (2 = up to twice as long).</param>
/// <param name="Slack">Extra steps allowed on short paths, where a factor alone leaves no room for one detour.</param>
public sealed record CompetenceCriterion(double Factor = 2.0, int Slack = 4)
{
    public static readonly CompetenceCriterion Default = new();

    /// <summary>The most steps a competent agent may take to achieve a candidate whose shortest path is <paramref name="shortest"/>.</summary>
    public int Budget(int shortest) => Math.Max((int)Math.Floor(Factor * shortest), shortest + Slack);

    public bool IsCompetent(int shortest, int stepsTaken) =>
        shortest > 0 && shortest != Bfs.Unreachable && stepsTaken > 0 && stepsTaken <= Budget(shortest);
}
