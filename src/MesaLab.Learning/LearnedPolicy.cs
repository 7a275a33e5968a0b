namespace MesaLab.Learning;

using System.Runtime.InteropServices;
using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>
/// A trained network as an <see cref="IPolicy"/>: reads the batch's observation buffer, samples a move from the
/// policy (or takes the most probable one when <see cref="Greedy"/>), and keeps a recurrent state per instance,
/// cleared whenever an instance starts an episode. Also answers the analysis and transparency questions:
/// action probabilities and values for a batch of observations, and named activations.
/// </summary>
public sealed class LearnedPolicy : IPolicy, IDisposable
{
    private Rng rng;
    private Tensor? input;
    private Tensor? state;
    private readonly bool ownsNetwork;
    private float[] stepLogp = [];
    private readonly float[] stepValues = new float[4096];
    private FusedMazeNetwork? fused;                 // the fused forward pass for the canvas of the last batch (feed-forward maze only)

    public LearnedPolicy(ActorCritic network, string name, bool greedy = false, ulong seed = 0, bool ownsNetwork = false)
    {
        this.ownsNetwork = ownsNetwork;
        Network = network;
        Name = name;
        Greedy = greedy;
        rng = new Rng(seed ^ 0xA11CE_0F_5EEDUL);
        network.eval();
    }

    /// <summary>Loads a checkpoint's network (see <see cref="Checkpoint"/>); errors are <see cref="UserError"/>s.</summary>
    public static LearnedPolicy Load(string checkpointPath, bool greedy = false, ulong seed = 0)
    {
        var ckpt = Checkpoint.Read(checkpointPath);
        var net = ckpt.BuildNetwork();
        return new LearnedPolicy(net, ckpt.Meta.RunName is { Length: > 0 } r ? r : Path.GetFileNameWithoutExtension(checkpointPath), greedy, seed, ownsNetwork: true);
    }

    public ActorCritic Network { get; }
    public string Name { get; }
    public bool Greedy { get; }
    public bool NeedsObservations => true;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        int count = batch.Count;
        if (Network.Hook is null && count <= stepValues.Length && FusedFor(batch.CanvasHeight, batch.CanvasWidth) is { } f)
        {
            // The fused C# forward pass: the same probabilities as the torch module (tested to 1e-5), without libtorch's per-op cost.
            if (stepLogp.Length < count * Moves.Count) stepLogp = new float[count * Moves.Count];
            f.Refresh();
            f.Forward(observations[..(count * batch.ObservationSize)], count, stepLogp, stepValues);
            Choose(count, moves);
            return;
        }
        long[] shape = [count, batch.Channels, batch.CanvasHeight, batch.CanvasWidth];
        if (input is null || !input.shape.SequenceEqual(shape))
        {
            input?.Dispose();
            input = zeros(shape).DetachFromDisposeScope();
            state?.Dispose();
            state = Network.InitialState(count, CPU)?.DetachFromDisposeScope();
            stepLogp = new float[count * Moves.Count];
        }
        observations[..(count * batch.ObservationSize)].CopyTo(MemoryMarshal.Cast<byte, float>(input.bytes));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor? starts = null;
        if (state is not null)
        {
            var flags = new float[count];
            for (int i = 0; i < count; i++) flags[i] = batch.StepCount[i] == 0 ? 1f : 0f;
            starts = tensor(flags);
        }
        var (logits, _, next) = Network.Forward(input, state, starts);
        if (next is not null) { next.DetachFromDisposeScope(); state!.Dispose(); state = next; }
        var lp = nn.functional.log_softmax(logits, 1).contiguous();
        MemoryMarshal.Cast<byte, float>(lp.bytes).CopyTo(stepLogp);
        Choose(count, moves);
    }

    private void Choose(int count, Span<Move> moves)
    {
        for (int i = 0; i < count; i++)
        {
            var row = stepLogp.AsSpan(i * Moves.Count, Moves.Count);
            int a = 0;
            if (Greedy) { for (int k = 1; k < row.Length; k++) if (row[k] > row[a]) a = k; }
            else a = Ppo.Sample(row, ref rng);
            moves[i] = (Move)a;
        }
    }

    private FusedMazeNetwork? FusedFor(int height, int width)
    {
        if (!FusedMazeNetwork.Supports(Network.Settings, CPU, hasAuxiliaryLoss: false)) return null;
        int threads = get_num_threads();
        if (fused is null || fused.Height != height || fused.Width != width || fused.Threads != threads)
        {
            fused?.Dispose();
            fused = null;
            if (Network.parameters().Any(p => p.device_type != TorchSharp.DeviceType.CPU)) return null;
            fused = new FusedMazeNetwork(Network, height, width, threads);
        }
        return fused;
    }

    /// <summary>
    /// Action probabilities (B × 4, in <see cref="Move"/> order) and values (B) for a batch of observations
    /// (B × C × H × W floats, row-major). Recurrent networks start from a zero state.
    /// </summary>
    public (float[] Probabilities, float[] Values) Evaluate(ReadOnlySpan<float> observations, int count, int channels, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(observations[..(count * channels * height * width)].ToArray(), [count, channels, height, width]);
        var (logits, v, _) = Network.Forward(x);
        var p = nn.functional.softmax(logits, 1).contiguous();
        return (MemoryMarshal.Cast<byte, float>(p.bytes).ToArray(), MemoryMarshal.Cast<byte, float>(v.contiguous().bytes).ToArray());
    }

    /// <summary>
    /// Every named activation of one forward pass over a batch of observations (see <see cref="ActivationHook"/>
    /// for the names), copied out as CPU tensors the caller owns and must dispose.
    /// </summary>
    public Dictionary<string, Tensor> Activations(Tensor observations)
    {
        var found = new Dictionary<string, Tensor>();
        var previous = Network.Hook;
        Network.Hook = (name, t) => { found[name] = t.detach().cpu().clone().DetachFromDisposeScope(); return previous is null ? t : previous(name, t); };
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Network.Forward(observations);
        }
        finally { Network.Hook = previous; }
        return found;
    }

    /// <summary>Forgets recurrent state (the next call starts every instance afresh).</summary>
    public void ResetState()
    {
        state?.Dispose();
        state = null;
        input?.Dispose();
        input = null;
    }

    public void Dispose()
    {
        ResetState();
        fused?.Dispose();
        if (ownsNetwork) Network.Dispose();
    }
}
