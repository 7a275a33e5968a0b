namespace MesaLab.Learning;

using TorchSharp;

/// <summary>
/// Constant Scalars that live as long as the process. A plain number combined with a tensor becomes a temporary Scalar
/// that nothing keeps alive during the native call, so a garbage collection on another thread can free it while libtorch
/// reads it (see <see cref="ScalarSafeAdam"/>); a static field is never collected.
/// </summary>
internal static class TorchScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
}
