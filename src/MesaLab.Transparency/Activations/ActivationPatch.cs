namespace MesaLab.Transparency;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A per-sample edit of one layer's output: out = out ⊙ keep + add, with one (keep, add) pair per row (a state, or a level of
/// a rollout). Adding a vector is keep = 1; replacing values (a resampling ablation) is keep = 0 there and add = the new values.
/// </summary>
public sealed class ActivationPatch
{
    private readonly float[]? keep;
    private readonly float[] add;

    private ActivationPatch(string layer, long[] sampleShape, int rows, float[]? keep, float[] add)
    {
        Layer = layer;
        SampleShape = sampleShape;
        Rows = rows;
        this.keep = keep;
        this.add = add;
    }

    public string Layer { get; }
    public long[] SampleShape { get; }

    /// <summary>Rows the patch has (states or levels).</summary>
    public int Rows { get; }

    private int Size => (int)SampleShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The added values of every row (for an additive patch: the deltas times the coefficient).</summary>
    public IReadOnlyList<float[]> Deltas()
    {
        int d = Size;
        return [.. Enumerable.Range(0, Rows).Select(r => add.AsSpan(r * d, d).ToArray())];
    }

    /// <summary>Adds <paramref name="coefficient"/> × deltas[row] to each row's activation.</summary>
    public static ActivationPatch Add(string layer, long[] sampleShape, IReadOnlyList<float[]> deltas, double coefficient)
    {
        int d = (int)sampleShape.Aggregate(1L, (a, b) => a * b);
        var add = new float[deltas.Count * d];
        for (int r = 0; r < deltas.Count; r++)
        {
            if (deltas[r].Length != d) throw new ArgumentException($"row {r} has {deltas[r].Length} values for a layer of {d}.", nameof(deltas));
            for (int i = 0; i < d; i++) add[r * d + i] = (float)(coefficient * deltas[r][i]);
        }
        return new ActivationPatch(layer, sampleShape, deltas.Count, null, add);
    }

    /// <summary>Replaces, in each row, the values at <c>indices[row]</c> by <c>values[row]</c> (flat sample indices).</summary>
    public static ActivationPatch Replace(string layer, long[] sampleShape, IReadOnlyList<(int[] Indices, float[] Values)> perRow)
    {
        int d = (int)sampleShape.Aggregate(1L, (a, b) => a * b);
        var keep = new float[perRow.Count * d];
        Array.Fill(keep, 1f);
        var add = new float[perRow.Count * d];
        for (int r = 0; r < perRow.Count; r++)
        {
            var (indices, values) = perRow[r];
            for (int k = 0; k < indices.Length; k++)
            {
                keep[r * d + indices[k]] = 0;
                add[r * d + indices[k]] = values[k];
            }
        }
        return new ActivationPatch(layer, sampleShape, perRow.Count, keep, add);
    }

    /// <summary>
    /// Applies the patch on every forward pass until disposed. <paramref name="rows"/> says which patch row each batch row
    /// is (a rollout's running levels, <see cref="RolloutProgress.Rows"/>); null = batch row i is patch row i.
    /// </summary>
    public IDisposable Apply(InspectableNetwork network, Func<int[]>? rows = null)
    {
        int d = Size;
        var tAdd = tensor(add, [Rows, d]).DetachFromDisposeScope();
        var tKeep = keep is null ? null : tensor(keep, [Rows, d]).DetachFromDisposeScope();
        var hook = network.Edit(Layer, output =>
        {
            if (!output.shape[1..].SequenceEqual(SampleShape))
                throw new UserError($"layer '{Layer}' produced [{string.Join(", ", output.shape[1..])}] but the edit was made for [{string.Join(", ", SampleShape)}] (a different canvas size?).");
            var selected = rows?.Invoke();
            Tensor Rows(Tensor t) => selected is null ? t : t.index_select(0, tensor(selected.Select(r => (long)r).ToArray()));
            var a = Rows(tAdd);
            if (a.shape[0] != output.shape[0])
                throw new InvalidOperationException($"the edit of '{Layer}' has {a.shape[0]} rows for a batch of {output.shape[0]}.");
            var result = tKeep is null ? output : output * Rows(tKeep).reshape(output.shape).to(output.dtype);
            return result + a.reshape(output.shape).to(output.dtype);
        });
        return new Handle(() =>
        {
            hook.Dispose();
            tAdd.Dispose();
            tKeep?.Dispose();
        });
    }

    /// <summary>Applies several patches together; disposing the handle removes them all.</summary>
    public static IDisposable ApplyAll(InspectableNetwork network, IEnumerable<ActivationPatch> patches, Func<int[]>? rows = null)
    {
        var handles = patches.Select(p => p.Apply(network, rows)).ToList();
        return new Handle(() => { foreach (var h in handles) h.Dispose(); });
    }

    private sealed class Handle(Action dispose) : IDisposable
    {
        private bool done;
        public void Dispose()
        {
            if (done) return;
            done = true;
            dispose();
        }
    }
}
