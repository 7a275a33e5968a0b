namespace MesaLab.Learning;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Tensor arithmetic without temporary Scalars. A plain number combined with a tensor becomes a temporary Scalar that
/// nothing keeps alive during the native call, so a garbage collection on another thread can free it while libtorch reads
/// it (see <see cref="ScalarSafeAdam"/>). TorchSharp's <c>+</c> makes one even between two tensors (the alpha of
/// <c>add</c>), and so does <c>Scalar − Tensor</c>; <c>−</c> and <c>*</c> between tensors, and with a Scalar on the right,
/// do not. The constants here are static, so they are never collected.
/// </summary>
public static class TorchScalars
{
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + s.</summary>
    public static Tensor Plus(Tensor a, Scalar s) => a.add(s, One);

    /// <summary>1 − x.</summary>
    public static Tensor OneMinus(Tensor x) => x.neg().add_(One, One);
}
