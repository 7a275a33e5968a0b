namespace MesaLab.Transparency;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Attribution maps over the observation: which input channels and cells the chosen move depends on.
/// Both methods explain the log-probability of one move per observation.
/// </summary>
public static class InputAttribution
{
    /// <summary>
    /// Gradient × input of log π(move | obs) for each observation [N, C, H, W] → the same shape, flattened.
    /// <paramref name="moves"/> null = each observation's most probable move.
    /// </summary>
    public static float[] GradientTimesInput(InspectableNetwork network, Tensor observations, int[]? moves = null)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = observations.detach().clone().requires_grad_(true);
        var logp = nn.functional.log_softmax(network.ActionLogits(x), 1);
        var chosen = moves is null ? logp.argmax(1) : tensor(moves.Select(m => (long)m).ToArray());
        var picked = logp.gather(1, chosen.unsqueeze(1)).sum();
        // Note: in this libtorch CPU build Conv2d's gradient with respect to its input is sporadically NaN (reproduced
        // single-threaded); MesaLab's networks are Linear-only, and the attribution tests use Linear networks.
        var g = autograd.grad([picked], [x])[0];
        return (g * x).detach().contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// Occlusion for one observation [C, H, W]: for every input value that is not already 0, the drop in
    /// log π(move | obs) when that value is set to 0 (values that are 0 get 0). Returns [C, H, W] flattened.
    /// </summary>
    public static float[] Occlusion(InspectableNetwork network, Tensor observation, int? move = null)
    {
        using var scope = NewDisposeScope();
        var x = observation.reshape(1, observation.shape[^3], observation.shape[^2], observation.shape[^1]).to(ScalarType.Float32);
        var values = x.contiguous().data<float>().ToArray();
        var result = new float[values.Length];
        float baseLogp;
        int m;
        using (no_grad())
        {
            var lp = nn.functional.log_softmax(network.ActionLogits(x), 1);
            m = move ?? (int)lp.argmax(1).item<long>();
            baseLogp = lp[0, m].item<float>();
        }
        var nonzero = Enumerable.Range(0, values.Length).Where(i => values[i] != 0).ToArray();
        const int chunk = 256;
        for (int s = 0; s < nonzero.Length; s += chunk)
        {
            int n = Math.Min(chunk, nonzero.Length - s);
            using var inner = NewDisposeScope();
            var batch = new float[n * values.Length];
            for (int i = 0; i < n; i++)
            {
                values.CopyTo(batch, i * values.Length);
                batch[i * values.Length + nonzero[s + i]] = 0;
            }
            using var _ = no_grad();
            var lp = nn.functional.log_softmax(network.ActionLogits(tensor(batch, [n, x.shape[1], x.shape[2], x.shape[3]])), 1);
            var col = lp[TensorIndex.Colon, m].contiguous().data<float>().ToArray();
            for (int i = 0; i < n; i++) result[nonzero[s + i]] = baseLogp - col[i];
        }
        return result;
    }

    /// <summary>Sum of absolute attribution per channel of a [C, H, W] map (for summaries and tests).</summary>
    public static double[] ChannelTotals(float[] map, int channels)
    {
        int plane = map.Length / channels;
        var t = new double[channels];
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++) t[c] += Math.Abs(map[c * plane + p]);
        return t;
    }
}
