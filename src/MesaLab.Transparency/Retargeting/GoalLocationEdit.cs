namespace MesaLab.Transparency;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// An activation edit that moves the goal location a layer encodes: h' = h + α·[(μx[to] − μx[from]) + (μy[to] − μy[from])],
/// where μx[k] (μy[k]) is the mean activation over samples whose goal sits in canvas column (row) k. The layer is the one
/// where probes decode the goal best; for a layer that reads the goal out linearly this moves the decoded goal exactly.
/// </summary>
public sealed class GoalLocationEdit : IGoalEdit
{
    private readonly float[]?[] byColumn, byRow;

    private GoalLocationEdit(string layer, long[] sampleShape, int canvasWidth, int canvasHeight, float[]?[] byColumn, float[]?[] byRow)
    {
        Layer = layer;
        SampleShape = sampleShape;
        CanvasWidth = canvasWidth;
        CanvasHeight = canvasHeight;
        this.byColumn = byColumn;
        this.byRow = byRow;
    }

    public string Layer { get; }
    public long[] SampleShape { get; }
    public int CanvasWidth { get; }
    public int CanvasHeight { get; }
    public int Features => byColumn.Concat(byRow).First(v => v is not null)!.Length;

    /// <summary>Class-conditional means of <paramref name="layer"/>'s activations by goal column and row (canvas coordinates).</summary>
    public static GoalLocationEdit Fit(InspectableNetwork network, string layer, Tensor observations, int[] goalX, int[] goalY)
    {
        int cw = (int)observations.shape[3], ch = (int)observations.shape[2];
        using var scope = NewDisposeScope();
        using var acts = ActivationCapture.Capture(network, observations, [layer]);
        var x = FeatureMatrix.FromTensor(acts[layer]);
        return new GoalLocationEdit(layer, acts[layer].shape[1..], cw, ch, Means(x, goalX, cw), Means(x, goalY, ch));
    }

    private static float[]?[] Means(FeatureMatrix x, int[] classOf, int classes)
    {
        var sums = new double[classes][];
        var counts = new int[classes];
        for (int i = 0; i < x.Rows; i++)
        {
            int k = classOf[i];
            if (k < 0 || k >= classes) continue;
            sums[k] ??= new double[x.Columns];
            var row = x.Row(i);
            for (int f = 0; f < x.Columns; f++) sums[k][f] += row[f];
            counts[k]++;
        }
        return [.. sums.Select((s, k) => s is null ? null : s.Select(v => (float)(v / counts[k])).ToArray())];
    }

    /// <summary>Whether samples with a goal in that column and that row were seen (needed to edit to or from it).</summary>
    public bool Covers(int x, int y) => x >= 0 && y >= 0 && x < CanvasWidth && y < CanvasHeight && byColumn[x] is not null && byRow[y] is not null;

    /// <summary>The flattened change that moves the encoded goal from one canvas position to another.</summary>
    public float[] Delta((int X, int Y) from, (int X, int Y) to)
    {
        if (!Covers(from.X, from.Y) || !Covers(to.X, to.Y))
            throw new UserError($"no goal was observed in column/row of ({from.X},{from.Y}) or ({to.X},{to.Y}) of the {CanvasWidth}×{CanvasHeight} canvas; fit the edit on more levels.");
        var d = new float[Features];
        var cx1 = byColumn[to.X]!; var cx0 = byColumn[from.X]!; var cy1 = byRow[to.Y]!; var cy0 = byRow[from.Y]!;
        for (int f = 0; f < d.Length; f++) d[f] = cx1[f] - cx0[f] + cy1[f] - cy0[f];
        return d;
    }

    public string Description => $"goal-location means by column and row at {Layer}";

    public IReadOnlyList<ActivationPatch> Patches(IReadOnlyList<((int X, int Y) From, (int X, int Y) To)> rows, double strength) =>
        [ActivationPatch.Add(Layer, SampleShape, [.. rows.Select(p => Delta(p.From, p.To))], strength)];
}
