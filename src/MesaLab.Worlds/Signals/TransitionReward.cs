namespace MesaLab.Worlds;

/// <summary>
/// A training signal as a reward on the transitions of a level: r(cell, move) for every cell and move of a level as
/// generated (static objects). What a training proposal optimizes — the world's reward, an overseer's approval, a
/// learned reward model — in one form that both the learner (one lookup per step) and exact planning (value iteration
/// for outer alignment, <see cref="SignalPlanner"/>) read.
/// </summary>
public abstract class TransitionReward
{
    /// <summary>A short description for reports, e.g. <c>reach exit</c> or <c>approval (exit path)</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Writes r(cell, move) at <c>rewards[cell * 4 + move]</c> for every cell of <paramref name="level"/>.</summary>
    public abstract void Fill(Level level, Span<double> rewards);

    /// <summary>The rewards of a level in a new array.</summary>
    public double[] Table(Level level)
    {
        var r = new double[level.CellCount * Moves.Count];
        Fill(level, r);
        return r;
    }

    /// <summary>The goal cells of a reach candidate on the level (its object's cells), or a <see cref="UserError"/> when it has none to plan with.</summary>
    protected static int[] GoalCells(Level level, CandidateObjective candidate)
    {
        if (candidate.Kind != ObjectiveKind.Reach)
            throw new UserError($"the candidate '{candidate.Name}' is collected, not reached; training signals are defined on worlds whose candidates are goal cells (green-arrow-maze, cheese worlds).");
        return Bfs.Goals(level, candidate);
    }
}

/// <summary>The world's own reward for a reach objective: 1 for the move that enters one of its goal cells.</summary>
public sealed class ReachReward(CandidateObjective objective) : TransitionReward
{
    public CandidateObjective Objective => objective;
    public override string Name => $"reach {objective.Name}";

    public override void Fill(Level level, Span<double> rewards)
    {
        var goal = new bool[level.CellCount];
        foreach (int g in GoalCells(level, objective)) goal[g] = true;
        for (int c = 0; c < level.CellCount; c++)
            for (int a = 0; a < Moves.Count; a++)
            {
                int next = level.Neighbor(c, (Move)a);
                rewards[c * Moves.Count + a] = next != c && goal[next] ? 1 : 0;
            }
    }
}

/// <summary>
/// A scripted overseer's per-step approval: 1 when the move is on its shortest path to the goal it intends (the next
/// cell is one step closer to the nearest goal cell), else 0. Asked once per step of training.
/// </summary>
public sealed class ApprovalReward(CandidateObjective intended) : TransitionReward
{
    public override string Name => $"approval of moves toward {intended.Name}";

    public override void Fill(Level level, Span<double> rewards)
    {
        var d = Bfs.DistancesTo(level, GoalCells(level, intended));
        for (int c = 0; c < level.CellCount; c++)
            for (int a = 0; a < Moves.Count; a++)
            {
                int next = level.Neighbor(c, (Move)a);
                rewards[c * Moves.Count + a] = d[c] != Bfs.Unreachable && d[c] > 0 && next != c && d[next] == d[c] - 1 ? 1 : 0;
            }
    }
}
