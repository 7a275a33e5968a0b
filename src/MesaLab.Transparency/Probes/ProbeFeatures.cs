namespace MesaLab.Transparency;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// One layer's activations made ready for probing: a seeded train/test split, standardization with training
/// statistics and, for wide layers, projection onto the top principal components. Prepared once per layer and
/// shared by every probe target and control on that layer.
/// </summary>
public sealed class ProbeFeatures
{
    internal ProbeFeatures(int[] train, int[] test, float[] mean, float[] scale, float[]? basis, int reduced, float[] trainRows, float[] testRows, int features)
    {
        Train = train;
        Test = test;
        Mean = mean;
        Scale = scale;
        Basis = basis;
        Reduced = reduced;
        TrainRows = trainRows;
        TestRows = testRows;
        Features = features;
    }

    /// <summary>Row indices of the training and held-out samples.</summary>
    public int[] Train { get; }
    public int[] Test { get; }
    public int Features { get; }
    public int Reduced { get; }
    internal float[] Mean { get; }
    internal float[] Scale { get; }
    /// <summary>Features × Reduced principal directions, or null when no reduction was needed.</summary>
    internal float[]? Basis { get; }
    internal float[] TrainRows { get; }
    internal float[] TestRows { get; }

    /// <param name="groups">Optional group of each row (the level it comes from): whole groups are held out.</param>
    public static ProbeFeatures Prepare(FeatureMatrix x, ProbeSettings settings, IReadOnlyList<long>? groups = null)
    {
        if (x.Rows < 4) throw new MesaLab.Core.UserError($"a probe needs at least 4 samples; got {x.Rows}.");
        var (train, test) = LinearProbe.SplitRows(x.Rows, settings, groups);
        int d = x.Columns;
        using var scope = NewDisposeScope();
        var all = tensor(x.Data, [x.Rows, d]).to(ScalarType.Float64);
        var tr = all.index_select(0, tensor(train.Select(i => (long)i).ToArray()));
        var te = all.index_select(0, tensor(test.Select(i => (long)i).ToArray()));
        var mean = tr.mean([0]);
        var std = tr.std(0, unbiased: false);
        // Constant features carry no information; a unit scale keeps them at exactly zero.
        var scale = where(std > 1e-5, std, ones_like(std));
        var ztr = (tr - mean) / scale;
        var zte = (te - mean) / scale;
        float[]? basis = null;
        int reduced = d;
        if (d > settings.MaxFeatures)
        {
            int k = Math.Min(settings.MaxFeatures, train.Length);
            Tensor v;
            if (train.Length < d)
            {
                // Dual PCA: eigenvectors of the Gram matrix (N×N) give the principal directions Xᵀu/√λ.
                var (evals, evecs) = linalg.eigh(ztr.matmul(ztr.t()));
                var top = evals.argsort(descending: true)[TensorIndex.Slice(0, k)];
                var lam = evals.index_select(0, top).clamp_min(1e-9);
                v = ztr.t().matmul(evecs.index_select(1, top)) / lam.sqrt();
            }
            else
            {
                var (evals, evecs) = linalg.eigh(ztr.t().matmul(ztr));
                var top = evals.argsort(descending: true)[TensorIndex.Slice(0, k)];
                v = evecs.index_select(1, top);
            }
            // Fix each direction's sign so the basis is deterministic across platforms' eigensolvers.
            var signs = v.abs().argmax(0);
            var pick = v.gather(0, signs.unsqueeze(0)).sign();
            v = v * where(pick == 0, ones_like(pick), pick);
            ztr = ztr.matmul(v);
            zte = zte.matmul(v);
            basis = v.to(ScalarType.Float32).contiguous().data<float>().ToArray();
            reduced = k;
        }
        return new ProbeFeatures(train, test,
            mean.to(ScalarType.Float32).data<float>().ToArray(), scale.to(ScalarType.Float32).data<float>().ToArray(),
            basis, reduced,
            ztr.to(ScalarType.Float32).contiguous().data<float>().ToArray(), zte.to(ScalarType.Float32).contiguous().data<float>().ToArray(), d);
    }
}
