namespace MesaLab.Transparency;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A steering vector (Turner et al. 2023): the mean activation difference at one layer between paired
/// inputs that differ in one feature (arrow present vs absent, or moved). Added with coefficient c during
/// the forward pass it moves behaviour along that feature.
/// </summary>
/// <param name="Layer">The layer whose output is shifted.</param>
/// <param name="Shape">Shape of one sample's activation at that layer (without the batch dimension).</param>
/// <param name="Values">The vector, flattened row-major.</param>
public sealed record SteeringVector(string Layer, long[] Shape, float[] Values)
{
    /// <summary>mean(layer(<paramref name="withFeature"/>)) − mean(layer(<paramref name="withoutFeature"/>)).</summary>
    public static SteeringVector FromPairs(InspectableNetwork network, string layer, Tensor withFeature, Tensor withoutFeature)
    {
        using var scope = NewDisposeScope();
        using var a = ActivationCapture.Capture(network, withFeature, [layer]);
        using var b = ActivationCapture.Capture(network, withoutFeature, [layer]);
        var diff = a[layer].mean([0]) - b[layer].mean([0]);
        return new SteeringVector(layer, diff.shape, diff.to(ScalarType.Float32).contiguous().data<float>().ToArray());
    }

    /// <summary>Euclidean norm of the vector.</summary>
    public double Norm => Math.Sqrt(Values.Sum(v => (double)v * v));

    /// <summary>
    /// Adds <paramref name="coefficient"/> × this vector to every sample's activation at <see cref="Layer"/> on each
    /// forward pass until the handle is disposed.
    /// </summary>
    public IDisposable Apply(InspectableNetwork network, double coefficient)
    {
        var shape = Shape;
        var values = Values;
        return network.Edit(Layer, output =>
        {
            var sampleShape = output.shape[1..];
            if (!sampleShape.SequenceEqual(shape))
                throw new MesaLab.Core.UserError(
                    $"the steering vector for layer '{Layer}' has shape [{string.Join(", ", shape)}] but the layer produced [{string.Join(", ", sampleShape)}] (a different canvas size?).");
            var v = tensor(values, shape).to(output.dtype).unsqueeze(0);
            return output + v * coefficient;
        });
    }
}

/// <summary>Paired activation differences, one per pair of observations (the per-level steering vectors).</summary>
public static class ActivationDifferences
{
    /// <summary>layer(<paramref name="withFeature"/>[i]) − layer(<paramref name="withoutFeature"/>[i]) for every i, flattened; and one sample's shape.</summary>
    public static (long[] Shape, float[][] Rows) Of(InspectableNetwork network, string layer, Tensor withFeature, Tensor withoutFeature)
    {
        using var scope = NewDisposeScope();
        using var a = ActivationCapture.Capture(network, withFeature, [layer]);
        using var b = ActivationCapture.Capture(network, withoutFeature, [layer]);
        var diff = ActivationCapture.Flatten(a[layer] - b[layer], out int features);
        int n = (int)withFeature.shape[0];
        return (a[layer].shape[1..], [.. Enumerable.Range(0, n).Select(i => diff.AsSpan(i * features, features).ToArray())]);
    }

    /// <summary>A direction drawn uniformly on the sphere (normalized Gaussian) scaled to <paramref name="norm"/>, from its own generator.</summary>
    public static float[] RandomOfNorm(int size, double norm, ref Rng rng)
    {
        var v = new double[size];
        double ss = 0;
        for (int i = 0; i < size; i += 2)
        {
            // Box–Muller: two independent standard normals from two uniforms.
            double u1 = Math.Max(rng.NextDouble(), 1e-300), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            v[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < size) v[i + 1] = r * Math.Sin(2 * Math.PI * u2);
        }
        foreach (var x in v) ss += x * x;
        double scale = ss > 0 ? norm / Math.Sqrt(ss) : 0;
        return [.. v.Select(x => (float)(x * scale))];
    }

    /// <summary>Euclidean norm.</summary>
    public static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (var x in v) s += (double)x * x;
        return Math.Sqrt(s);
    }

    /// <summary>Cosine similarity (0 when either vector is zero).</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ab = 0;
        for (int i = 0; i < a.Length; i++) ab += (double)a[i] * b[i];
        double na = Norm(a), nb = Norm(b);
        return na == 0 || nb == 0 ? 0 : ab / (na * nb);
    }
}
