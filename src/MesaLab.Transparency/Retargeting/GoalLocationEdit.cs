namespace MesaLab.Transparency;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// An activation edit that moves the goal location a layer encodes: h' = h + α·[(μx[to] − μx[from]) + (μy[to] − μy[from])],
/// where μx[k] (μy[k]) is the mean activation over samples whose goal sits in canvas column (row) k. The layer is the one
/// where probes decode the goal best; for a layer that reads the goal out linearly this moves the decoded goal exactly.
/// </summary>
public sealed class GoalLocationEdit
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

    /// <summary>Adds α·delta of each batch row's (from, to) pair on every forward pass (rows given up front).</summary>
    public IDisposable Apply(InspectableNetwork network, IReadOnlyList<((int X, int Y) From, (int X, int Y) To)> perRow, double strength)
    {
        var deltas = perRow.Select(p => Delta(p.From, p.To)).ToArray();
        return ApplyDeltas(network, deltas, strength, rows => rows);
    }

    /// <summary>Adds α·delta of each level instance during a <see cref="NetworkRollout"/>, following which rows are still running.</summary>
    public IDisposable ApplyDuringRollout(InspectableNetwork network, IReadOnlyList<((int X, int Y) From, (int X, int Y) To)> perLevel, double strength, RolloutProgress progress)
    {
        var deltas = perLevel.Select(p => Delta(p.From, p.To)).ToArray();
        return ApplyDeltas(network, deltas, strength, rows => progress.Rows);
    }

    private IDisposable ApplyDeltas(InspectableNetwork network, float[][] deltas, double strength, Func<int[]?, int[]?> rowsOf)
    {
        int d = Features;
        var flat = new float[deltas.Length * d];
        for (int i = 0; i < deltas.Length; i++) deltas[i].CopyTo(flat, i * d);
        var all = tensor(flat, [deltas.Length, d]).DetachFromDisposeScope();
        return new EditHandle(network.Edit(Layer, output =>
        {
            if (!output.shape[1..].SequenceEqual(SampleShape))
                throw new UserError($"layer '{Layer}' produced [{string.Join(", ", output.shape[1..])}] but the goal edit was fitted on [{string.Join(", ", SampleShape)}] (a different canvas size?).");
            var rows = rowsOf(null);
            var sel = rows is null ? all : all.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));
            if (sel.shape[0] != output.shape[0])
                throw new InvalidOperationException($"the goal edit has {sel.shape[0]} rows but the batch has {output.shape[0]}.");
            return output + sel.reshape(output.shape).to(output.dtype) * strength;
        }), all);
    }

    private sealed class EditHandle(IDisposable hook, Tensor deltas) : IDisposable
    {
        public void Dispose()
        {
            hook.Dispose();
            deltas.Dispose();
        }
    }
}
