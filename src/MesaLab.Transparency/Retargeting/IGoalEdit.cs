namespace MesaLab.Transparency;

/// <summary>An activation edit that moves the goal a network encodes from one canvas cell to another, one (from, to) pair per row.</summary>
public interface IGoalEdit
{
    /// <summary>What the edit is, for reports (e.g. <c>channels 3, 5 of body.stem</c>).</summary>
    string Description { get; }

    /// <summary>The canvas the edit was fitted on (the network's layers must have the same spatial size).</summary>
    int CanvasWidth { get; }
    int CanvasHeight { get; }

    /// <summary>Whether goals at both canvas cells were observed while fitting (an edit to or from an unseen cell is refused).</summary>
    bool Covers(int x, int y);

    /// <summary>The patches that move the goal of row i from <c>rows[i].From</c> to <c>rows[i].To</c>, scaled by <paramref name="strength"/>.</summary>
    IReadOnlyList<ActivationPatch> Patches(IReadOnlyList<((int X, int Y) From, (int X, int Y) To)> rows, double strength);
}

/// <summary>
/// The control of a goal edit: for every row, a direction drawn uniformly at random with the same norm as the real edit's
/// change on that layer — an edit of the same size that carries no goal information.
/// </summary>
public sealed class RandomDirectionEdit(IGoalEdit inner, ulong seed) : IGoalEdit
{
    public string Description => $"random direction of the same norm as ({inner.Description})";
    public int CanvasWidth => inner.CanvasWidth;
    public int CanvasHeight => inner.CanvasHeight;
    public bool Covers(int x, int y) => inner.Covers(x, y);

    public IReadOnlyList<ActivationPatch> Patches(IReadOnlyList<((int X, int Y) From, (int X, int Y) To)> rows, double strength)
    {
        var rng = new Rng(seed ^ 0x4A4D_0E0DUL);
        return [.. inner.Patches(rows, strength).Select(p =>
        {
            var deltas = p.Deltas();
            var random = deltas.Select(d => ActivationDifferences.RandomOfNorm(d.Length, ActivationDifferences.Norm(d), ref rng)).ToList();
            return ActivationPatch.Add(p.Layer, p.SampleShape, random, 1.0);
        })];
    }
}
