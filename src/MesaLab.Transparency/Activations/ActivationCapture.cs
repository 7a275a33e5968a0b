namespace MesaLab.Transparency;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>The output of every requested layer for one batch of observations, plus the action logits.</summary>
public sealed class CapturedActivations : IDisposable
{
    internal CapturedActivations(Dictionary<string, Tensor> byLayer, Tensor logits)
    {
        ByLayer = byLayer;
        Logits = logits;
    }

    /// <summary>Layer name → activation [N, ...] (detached copies that outlive dispose scopes).</summary>
    public IReadOnlyDictionary<string, Tensor> ByLayer { get; }

    /// <summary>Action logits [N, 4] of the same forward pass.</summary>
    public Tensor Logits { get; }

    public Tensor this[string layer] => ByLayer[layer];

    public void Dispose()
    {
        foreach (var t in ByLayer.Values) t.Dispose();
        Logits.Dispose();
    }
}

/// <summary>Records layer outputs with forward hooks during one ordinary forward pass.</summary>
public static class ActivationCapture
{
    /// <summary>
    /// Runs one forward pass on <paramref name="observations"/> and returns every requested layer's output
    /// (all layers when <paramref name="layers"/> is null). Unknown names give a <see cref="MesaLab.Core.UserError"/>
    /// listing the layers. Results are detached copies outside any dispose scope: dispose them.
    /// </summary>
    public static CapturedActivations Capture(InspectableNetwork network, Tensor observations, IEnumerable<string>? layers = null)
    {
        var names = network.ResolveLayers(layers);
        var captured = new Dictionary<string, Tensor>();
        var hooks = new List<IDisposable>();
        try
        {
            foreach (var name in names)
            {
                var n = name;
                hooks.Add(network.Observe(n, output =>
                {
                    // A layer called twice in one pass (weight sharing) keeps its last output.
                    if (captured.Remove(n, out var old)) old.Dispose();
                    captured[n] = output.detach().clone().DetachFromDisposeScope();
                }));
            }
            Tensor logits;
            using (no_grad())
                logits = network.ActionLogits(observations).detach().clone().DetachFromDisposeScope();
            foreach (var n in names)
                if (!captured.ContainsKey(n))
                    throw new InvalidOperationException(
                        $"layer '{n}' of {network.Name} did not run during the forward pass (is it called with .call(x)?).");
            return new CapturedActivations(names.ToDictionary(n => n, n => captured[n]), logits);
        }
        finally
        {
            foreach (var h in hooks) h.Dispose();
        }
    }

    /// <summary>One layer's output flattened to [N, D] as managed floats (for probes and files).</summary>
    public static float[] Flatten(Tensor activation, out int features)
    {
        long n = activation.shape[0];
        features = (int)(activation.numel() / Math.Max(1, n));
        return activation.reshape(n, features).to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }
}
