namespace MesaLab.Learning;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Cross-entropy of move logits against move labels, averaged over the labelled samples only (label
/// <see cref="Ignore"/>: no label), with the mean loss and accuracy accumulated over minibatches for the metrics.
/// Shared by the auxiliary losses that teach moves (the transparency probe and its control, imitative amplification).
/// Its Scalars are long-lived fields, so no temporary Scalar can be collected while libtorch reads it.
/// </summary>
public sealed class MaskedMoveLoss : IDisposable
{
    /// <summary>The label of a sample that carries none.</summary>
    public const long Ignore = -100;

    private readonly Scalar oneS = 1.0.ToScalar(), ignoreS = Ignore.ToScalar();
    private double lossSum, accuracySum;
    private int minibatches;

    /// <summary>The mean cross-entropy over the samples whose label is not <see cref="Ignore"/> (0 when none is); records it and the accuracy.</summary>
    public Tensor Loss(Tensor logits, Tensor target)
    {
        var valid = (target != ignoreS).to(ScalarType.Float32);
        var perSample = nn.functional.cross_entropy(logits, target, ignore_index: Ignore, reduction: nn.Reduction.None);
        var count = valid.sum().clamp_min(oneS);
        var ce = (perSample * valid).sum() / count;
        using (no_grad())
        {
            var right = ((logits.argmax(1) == target).to(ScalarType.Float32) * valid).sum() / count;
            lossSum += ce.item<float>();
            accuracySum += right.item<float>();
            minibatches++;
        }
        GC.KeepAlive(this);   // the Scalar fields must outlive the native calls that read them
        return ce;
    }

    /// <summary>Mean loss and accuracy over the minibatches since the last call (NaN when there were none).</summary>
    public (double Loss, double Accuracy) TakeMetrics()
    {
        var m = minibatches == 0 ? (double.NaN, double.NaN) : (lossSum / minibatches, accuracySum / minibatches);
        lossSum = accuracySum = 0;
        minibatches = 0;
        return m;
    }

    public void Dispose()
    {
        oneS.Dispose();
        ignoreS.Dispose();
    }
}
