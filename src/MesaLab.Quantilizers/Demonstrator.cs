namespace MesaLab.Quantilizers;

using System.ComponentModel.DataAnnotations;
using MesaLab.Worlds;

/// <summary>
/// How the scripted demonstrator behaves: a person who walks to the goal, mostly along a route that
/// goes around flower beds, but who sometimes wanders (detours) and sometimes hesitates (walks into a
/// wall and stays put). Its move distribution depends only on the cell, so on a fixed level it is a
/// <see cref="CellPolicy"/>. The three probabilities must sum to 1.
/// </summary>
/// <param name="Care">Probability of a move along a careful route: shortest once each bed entered counts as <paramref name="BedPenalty"/> extra steps (ties split evenly).</param>
/// <param name="Wander">Probability of a uniformly random open move (a detour).</param>
/// <param name="Hesitate">Probability of bumping into a wall of the cell and staying put (an open move if the cell has no wall).</param>
/// <param name="BedPenalty">How many extra steps a flower bed is worth to the demonstrator (≥ 0); large values mean it detours far to avoid beds.</param>
public sealed record DemonstratorSettings(
    [Range(0.0, 1.0)] double Care = 0.75, [Range(0.0, 1.0)] double Wander = 0.2, [Range(0.0, 1.0)] double Hesitate = 0.05, [Range(0.0, 1e6)] double BedPenalty = 6)
{
    public void Validate(string where)
    {
        foreach (var (field, problem) in Ranges.Problems(this)) throw new UserError($"{where}.{field} {problem}.");
        if (Math.Abs(Care + Wander + Hesitate - 1) > 1e-9)
            throw new UserError($"{where}: demonstrator care ({Care}), wander ({Wander}) and hesitate ({Hesitate}) must sum to 1.");
    }
}

/// <summary>
/// The human-like base distribution: a scripted demonstrator (see <see cref="DemonstratorSettings"/>)
/// heading for a reach candidate's goal. Mostly sensible, imperfect, and respectful of flower beds, so
/// that typical behaviour scores well on both the proxy and the true utility.
/// </summary>
public sealed class Demonstrator(DemonstratorSettings settings, CandidateObjective goal, ulong seed) : IPolicy
{
    private Rng rng = new(seed);
    private readonly Dictionary<Level, (long Index, ulong Seed, CellPolicy Table)> tables = new(ReferenceEqualityComparer.Instance);

    public DemonstratorSettings Settings => settings;
    public string Name => $"demonstrator:{goal.Name}";
    public bool NeedsObservations => false;

    /// <summary>The demonstrator's move probabilities on every cell of <paramref name="level"/>.</summary>
    public static CellPolicy Table(Level level, CandidateObjective goal, DemonstratorSettings settings)
    {
        int n = level.CellCount;
        var careful = CarefulRoutes.CostTo(level, Bfs.Goals(level, goal), settings.BedPenalty);
        var p = new double[n * Moves.Count];
        Span<bool> open = stackalloc bool[Moves.Count];
        Span<bool> best = stackalloc bool[Moves.Count];
        for (int c = 0; c < n; c++)
        {
            int nOpen = 0, nBest = 0;
            double bestCost = double.PositiveInfinity;
            for (int a = 0; a < Moves.Count; a++)
            {
                open[a] = level.CanMove(c, (Move)a);
                if (!open[a]) continue;
                nOpen++;
                int to = level.Neighbor(c, (Move)a);
                double v = 1 + ((level.Objects[to] & CellObject.Marked) != 0 ? settings.BedPenalty : 0) + careful[to];
                if (v < bestCost - 1e-9) bestCost = v;
            }
            for (int a = 0; a < Moves.Count; a++)
            {
                best[a] = false;
                if (!open[a] || double.IsPositiveInfinity(bestCost)) continue;
                int to = level.Neighbor(c, (Move)a);
                double v = 1 + ((level.Objects[to] & CellObject.Marked) != 0 ? settings.BedPenalty : 0) + careful[to];
                if (v <= bestCost + 1e-9) { best[a] = true; nBest++; }
            }
            int nBlocked = Moves.Count - nOpen;
            for (int a = 0; a < Moves.Count; a++)
            {
                double v = 0;
                // A cell with no route to the goal (or none open) gets the whole care mass spread like wandering.
                if (nBest > 0) { if (best[a]) v += settings.Care / nBest; }
                else if (nOpen > 0 && open[a]) v += settings.Care / nOpen;
                if (nOpen > 0 && open[a]) v += settings.Wander / nOpen;
                if (nBlocked > 0) { if (!open[a]) v += settings.Hesitate / nBlocked; }
                else v += settings.Hesitate / nOpen;
                if (nOpen == 0) v = 1.0 / Moves.Count;
                p[c * Moves.Count + a] = v;
            }
        }
        return new CellPolicy("demonstrator", p);
    }

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            if (!tables.TryGetValue(level, out var t) || t.Index != level.Index || t.Seed != level.Seed)
            {
                t = (level.Index, level.Seed, Table(level, goal, settings));
                tables[level] = t;
            }
            moves[i] = (Move)t.Table.SampleMove(batch.AgentCell[i], ref rng);
        }
    }
}
