namespace MesaLab.Transparency;

using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>Writes observations of chosen states (a level with the agent on a chosen cell) with the world's own observation code.</summary>
public static class ObservationBuilder
{
    /// <summary>Observations [N, C, canvasHeight, canvasWidth] of each level with the agent standing on the given cell.</summary>
    public static Tensor Build(Split split, IReadOnlyList<(Level Level, int AgentCell)> states, int canvasWidth, int canvasHeight)
    {
        if (states.Count == 0) throw new ArgumentException("no states to observe.", nameof(states));
        var batch = new WorldBatch(split, states.Count, 0, new BatchOptions { AutoReset = false, CanvasWidth = canvasWidth, CanvasHeight = canvasHeight });
        var obs = new float[states.Count * batch.ObservationSize];
        var copy = new Level(canvasWidth * canvasHeight);
        for (int i = 0; i < states.Count; i++)
        {
            states[i].Level.CopyTo(copy);
            copy.Start = states[i].AgentCell;
            batch.ResetInstance(i, copy, obs);
        }
        return tensor(obs, [states.Count, batch.Channels, canvasHeight, canvasWidth]);
    }

    /// <summary>Where a level cell lands on a canvas (levels are centred, as <see cref="WorldBatch"/> does).</summary>
    public static (int X, int Y) CanvasPosition(Level level, int cell, int canvasWidth, int canvasHeight) =>
        (level.X(cell) + (canvasWidth - level.Width) / 2, level.Y(cell) + (canvasHeight - level.Height) / 2);
}
