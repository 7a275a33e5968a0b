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
