namespace MesaLab.Learning;

using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// Initial weights drawn from a network's own generator (a <see cref="Rng"/> seeded by the network's seed), never from
/// torch's process-wide generator, with the distributions torch uses by default. A network is then a pure function
/// of its settings and seed, whatever other threads do with torch's global generator.
/// </summary>
public static class ParameterInit
{
    /// <summary>Fills <paramref name="t"/> with independent draws from U(−bound, bound).</summary>
    public static void Uniform(Tensor t, double bound, ref Rng rng)
    {
        var values = new float[t.NumberOfElements];
        for (int i = 0; i < values.Length; i++) values[i] = (float)((2 * rng.NextDouble() - 1) * bound);
        Fill(t, values);
    }

    /// <summary>Fills <paramref name="t"/> with <paramref name="value"/>.</summary>
    public static void Constant(Tensor t, double value)
    {
        var values = new float[t.NumberOfElements];
        Array.Fill(values, (float)value);
        Fill(t, values);
    }

    /// <summary>
    /// A (semi-)orthogonal matrix times <paramref name="gain"/>, as torch's <c>orthogonal_</c> makes it: a Gaussian matrix
    /// (rows × the product of the other dimensions), orthonormalized with the signs fixed so that the R of its QR factorization
    /// has a positive diagonal. Gram–Schmidt in double precision here, so the result does not depend on LAPACK or threads.
    /// </summary>
    public static void Orthogonal(Tensor t, double gain, ref Rng rng)
    {
        int rows = (int)t.shape[0], cols = (int)(t.NumberOfElements / rows);
        bool transpose = rows < cols;
        int m = transpose ? cols : rows, n = transpose ? rows : cols;   // orthonormalize the n columns of an m × n matrix (m ≥ n)
        var a = new double[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = Normal(ref rng);
        for (int j = 0; j < n; j++)
        {
            for (int pass = 0; pass < 2; pass++)                       // twice: classical Gram–Schmidt with reorthogonalization
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += a[i * n + k] * a[i * n + j];
                    for (int i = 0; i < m; i++) a[i * n + j] -= dot * a[i * n + k];
                }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += a[i * n + j] * a[i * n + j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < m; i++) a[i * n + j] /= norm;
        }
        var values = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                values[r * cols + c] = (float)(gain * (transpose ? a[c * n + r] : a[r * n + c]));
        Fill(t, values);
    }

    /// <summary>torch's default for a linear layer: weight and bias from U(±1/√fan_in).</summary>
    public static void Default(Linear layer, ref Rng rng)
    {
        double bound = 1 / Math.Sqrt(layer.weight!.shape[1]);
        Uniform(layer.weight, bound, ref rng);
        if (layer.bias is not null) Uniform(layer.bias, bound, ref rng);
    }

    /// <summary>torch's default for a convolution: weight and bias from U(±1/√fan_in), fan_in = input channels × kernel area.</summary>
    public static void Default(Conv2d layer, ref Rng rng)
    {
        var w = layer.weight!;
        double bound = 1 / Math.Sqrt(w.NumberOfElements / w.shape[0]);
        Uniform(w, bound, ref rng);
        if (layer.bias is not null) Uniform(layer.bias, bound, ref rng);
    }

    /// <summary>torch's default for a GRU cell: every weight and bias from U(±1/√hidden).</summary>
    public static void Default(GRUCell cell, long hidden, ref Rng rng)
    {
        double bound = 1 / Math.Sqrt(hidden);
        foreach (var (_, p) in cell.named_parameters()) Uniform(p, bound, ref rng);
    }

    /// <summary>CleanRL's layer initialization: orthogonal weight with <paramref name="gain"/>, zero bias.</summary>
    public static Linear Orthogonal(Linear layer, double gain, ref Rng rng)
    {
        Orthogonal(layer.weight!, gain, ref rng);
        if (layer.bias is not null) Constant(layer.bias, 0);
        return layer;
    }

    private static double Normal(ref Rng rng)
    {
        // Box–Muller; 1 − u keeps the logarithm finite.
        double u = 1 - rng.NextDouble(), v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    private static void Fill(Tensor t, float[] values)
    {
        using var noGrad = no_grad();
        using var source = tensor(values, t.shape);
        t.copy_(source);
    }
}
