namespace MesaLab.Learning;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Adam (no weight decay, no AMSGrad) with the same arithmetic as TorchSharp's <c>optim.Adam</c>, but every
/// scalar operand is an explicit <see cref="Scalar"/> kept alive until the native call that reads it returns.
/// Why: TorchSharp's Adam passes temporary Scalars (implicit conversions from double) to libtorch by raw
/// handle without keeping them alive, and nothing else references them (dispose scopes do not track Scalars),
/// so a garbage collection during that native call — triggered by another thread, or the final phase of a
/// background GC — can let the finalizer free a Scalar libtorch is still reading. libtorch then fails with
/// "Expected false to be true, but got false" from <c>Scalar::toFloat</c>, or silently reads garbage.
/// That was the sporadic failure of the behaviour-cloning test.
/// </summary>
public sealed class ScalarSafeAdam : IDisposable
{
    private readonly Tensor[] parameters;
    private readonly Tensor[] expAvg, expAvgSq;
    private readonly double beta1, beta2, eps;
    private readonly Scalar one, beta1S, oneMinusBeta1S, beta2S, oneMinusBeta2S, epsS;
    private long step;

    public ScalarSafeAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (!(lr >= 0)) throw new ArgumentOutOfRangeException(nameof(lr), "the learning rate must be 0 or more.");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2));
        this.parameters = [.. parameters];
        LearningRate = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        one = 1.0.ToScalar();
        beta1S = beta1.ToScalar();
        oneMinusBeta1S = (1 - beta1).ToScalar();
        beta2S = beta2.ToScalar();
        oneMinusBeta2S = (1 - beta2).ToScalar();
        epsS = eps.ToScalar();
        expAvg = new Tensor[this.parameters.Length];
        expAvgSq = new Tensor[this.parameters.Length];
        for (int i = 0; i < this.parameters.Length; i++)
        {
            expAvg[i] = zeros_like(this.parameters[i]).DetachFromDisposeScope();
            expAvgSq[i] = zeros_like(this.parameters[i]).DetachFromDisposeScope();
        }
    }

    public double LearningRate { get; set; }

    /// <summary>One Adam update of every parameter that has a gradient.</summary>
    public void Step() => Step(i => parameters[i].grad);

    /// <summary>One Adam update with the given gradients (one per parameter, in the constructor's order; null skips one).</summary>
    public void Step(IReadOnlyList<Tensor?> gradients)
    {
        if (gradients.Count != parameters.Length)
            throw new ArgumentException($"{gradients.Count} gradients for {parameters.Length} parameters.", nameof(gradients));
        Step(i => gradients[i]);
    }

    private void Step(Func<int, Tensor?> gradientOf)
    {
        step++;
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        using var sqrtBias2 = Math.Sqrt(biasCorrection2).ToScalar();
        using var stepSize = (-LearningRate / biasCorrection1).ToScalar();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < parameters.Length; i++)
        {
            var grad = gradientOf(i);
            if (grad is null) continue;
            expAvg[i].mul_(beta1S).add_(grad, oneMinusBeta1S);
            expAvgSq[i].mul_(beta2S).addcmul_(grad, grad, oneMinusBeta2S);
            var denom = expAvgSq[i].sqrt().div_(sqrtBias2).add_(epsS, one); // add_(Scalar) alone would make a temporary Scalar for alpha = 1
            parameters[i].addcdiv_(expAvg[i], denom, stepSize);
        }
        // The Scalar fields are reachable only through this object; keep it alive past the last native call.
        GC.KeepAlive(this);
    }

    /// <summary>Updates taken so far (Adam's bias correction depends on it).</summary>
    public long Steps => step;

    private const string StateHeader = "ScalarSafeAdam/1";

    /// <summary>Writes the step count and both moment estimates of every parameter (for checkpoints).</summary>
    public void Save(BinaryWriter w)
    {
        w.Write(StateHeader);
        w.Write(step);
        w.Write(parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
            foreach (var moment in new[] { expAvg[i], expAvgSq[i] })
            {
                using var cpu = moment.cpu().contiguous();
                var bytes = cpu.bytes;
                w.Write((long)bytes.Length);
                w.Write(bytes);
            }
    }

    /// <summary>Restores what <see cref="Save"/> wrote; refuses (with <see cref="UserError"/>) state of another shape.</summary>
    public void Load(BinaryReader r, string source)
    {
        string header;
        try { header = r.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException) { header = ""; }
        if (header != StateHeader)
            throw new UserError($"{source} holds optimizer state in a format this MesaLab does not read (written by an earlier version); it can be evaluated but not resumed.");
        long steps = r.ReadInt64();
        int count = r.ReadInt32();
        if (count != parameters.Length)
            throw new UserError($"{source} holds optimizer state for {count} parameters, but the network has {parameters.Length}; it belongs to another network shape.");
        for (int i = 0; i < parameters.Length; i++)
            foreach (var moment in new[] { expAvg[i], expAvgSq[i] })
            {
                long length = r.ReadInt64();
                if (length != moment.NumberOfElements * sizeof(float))
                    throw new UserError($"{source} holds optimizer state of another size for parameter {i}; it belongs to another network shape.");
                using var loaded = TorchSharp.torch.empty(moment.shape);
                r.ReadBytes((int)length).CopyTo(loaded.bytes);
                using (no_grad()) moment.copy_(loaded);
            }
        step = steps;
    }

    public void Dispose()
    {
        foreach (var t in expAvg) t.Dispose();
        foreach (var t in expAvgSq) t.Dispose();
        foreach (var s in new[] { one, beta1S, oneMinusBeta1S, beta2S, oneMinusBeta2S, epsS }) s.Dispose();
    }
}
