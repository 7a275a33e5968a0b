namespace MesaLab.Learning;

using MesaLab.Worlds;

/// <summary>
/// The amplified overseer of imitative amplification (a toy HCH), as a pure function of one level, the exit's cell and
/// the current model's answers at every cell: its greedy move and its value (its estimate of the discounted return
/// γ^(d−1) of reaching the exit d moves away). Asked "which move now, from this cell, and how good is it?", the overseer
/// first takes its own cheap step: when the exit is one move away it names that move (return 1) without consulting
/// anyone. Otherwise it decomposes the question into one sub-question per open move — "from the cell this move leads
/// to, where do you go, and how good is it there?" — and gives each to a copy of the model, which walks on by its own
/// greedy moves for at most <c>depth</c> moves, one model call per cell it stands on (each call gives the move and the
/// value). The overseer scores a move by the best estimate along its copy's walk: γ^s when the copy enters the exit
/// after the first move and s more moves, else γ^(1+s)·V(y) for every cell y the copy stood on after s of its moves (V
/// clamped to [0, 1]). It answers the best-scoring move (the lowest move index on ties) and that score; when no move
/// scores above 0 it defers to the model's own move and value at the cell (one more call). With s = 0 the score is a
/// one-step Bellman backup of the model's value, so amplify-then-distill iterated with perfect distillation is value
/// iteration (its horizon grows every iteration); the walks let one iteration see up to <c>depth</c> + 1 moves ahead.
/// </summary>
public static class Amplifier
{
    /// <summary>The overseer's answer at <paramref name="cell"/> (move −1 when the agent is on the exit), its value and the model calls it used.</summary>
    public static (int Move, double Value, int ModelCalls) Answer(Level level, int exit, ReadOnlySpan<int> modelMove, ReadOnlySpan<float> modelValue,
        int cell, int depth, double gamma)
    {
        if (cell == exit || exit < 0) return (-1, 0, 0);
        for (int m = 0; m < Moves.Count; m++)
            if (level.Neighbor(cell, (Move)m) == exit) return (m, 1, 0);
        int best = -1, calls = 0;
        double bestScore = 0;
        for (int m = 0; m < Moves.Count; m++)
        {
            int x = level.Neighbor(cell, (Move)m);
            if (x == cell) continue;
            double discount = gamma;   // γ^(1+s) for the cell the copy stands on after s of its moves
            for (int s = 0; s <= depth; s++)
            {
                if (x == exit)
                {
                    // Entered the exit on move 1 + s: return γ^s.
                    double reached = discount / gamma;
                    if (reached > bestScore) { bestScore = reached; best = m; }
                    break;
                }
                calls++;
                double score = discount * Math.Clamp(modelValue[x], 0f, 1f);
                if (score > bestScore) { bestScore = score; best = m; }
                if (s == depth) break;
                x = level.Neighbor(x, (Move)modelMove[x]);
                discount *= gamma;
            }
        }
        if (best >= 0) return (best, bestScore, calls);
        return (modelMove[cell], Math.Clamp(modelValue[cell], 0f, 1f), calls + 1);
    }
}
