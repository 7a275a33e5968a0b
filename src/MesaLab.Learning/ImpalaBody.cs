namespace MesaLab.Learning;

using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The IMPALA CNN of the published Procgen experiments (Espeholt et al. 2018; Cobbe et al. 2020): three stacks, each a
/// 3×3 convolution, a 3×3 max-pool of stride 2 and two residual blocks, with 16, 32 and 32 channels; then a dense layer of
/// 256. Where Procgen flattens a fixed 64×64 frame, this takes a global max over the remaining cells, so one checkpoint
/// runs on any canvas. It has no built-in propagation along corridors: whatever it knows about walls it must learn.
/// </summary>
public sealed class ImpalaBody : PolicyBody
{
    /// <summary>Channels of the three stacks and width of the dense layer, as published.</summary>
    public static readonly int[] StackChannels = [16, 32, 32];
    public const int DenseWidth = 256;

    private readonly ModuleList<ImpalaStack> stacks = new();
    private readonly Linear dense;

    public ImpalaBody(int inputChannels) : base("body")
    {
        int c = inputChannels;
        foreach (int k in StackChannels)
        {
            stacks.Add(new ImpalaStack(c, k));
            c = k;
        }
        dense = nn.Linear(c, DenseWidth);
        RegisterComponents();
    }

    public override long FeatureSize => DenseWidth;

    public override void Initialize(ref Rng rng)
    {
        foreach (var s in stacks) s.Initialize(ref rng);
        ParameterInit.Default(dense, ref rng);
    }

    /// <summary>Observations B × C × H × W in; features B × 256 out. Named activations: <c>body.stack.0 … 2</c> (B × C × H' × W').</summary>
    public override Tensor forward(Tensor x)
    {
        for (int i = 0; i < stacks.Count; i++) x = Named($"body.stack.{i}", stacks[i].call(x));
        var pooled = nn.functional.relu(x).amax([2, 3]);
        return Named("body.features", nn.functional.relu(dense.call(pooled)));
    }
}

/// <summary>One IMPALA stack: convolution, max-pool (3×3, stride 2), two residual blocks.</summary>
public sealed class ImpalaStack : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly MaxPool2d pool;
    private readonly ImpalaResidual res0, res1;

    public ImpalaStack(int inputChannels, int channels) : base("stack")
    {
        conv = nn.Conv2d(inputChannels, channels, 3, padding: 1);
        pool = nn.MaxPool2d(3, stride: 2, padding: 1);
        res0 = new ImpalaResidual(channels);
        res1 = new ImpalaResidual(channels);
        RegisterComponents();
    }

    public void Initialize(ref Rng rng)
    {
        ParameterInit.Default(conv, ref rng);
        res0.Initialize(ref rng);
        res1.Initialize(ref rng);
    }

    public override Tensor forward(Tensor x) => res1.call(res0.call(pool.call(conv.call(x))));
}

/// <summary>x + conv(relu(conv(relu(x)))), both convolutions 3×3 with the same channels.</summary>
public sealed class ImpalaResidual : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv0, conv1;

    public ImpalaResidual(int channels) : base("residual")
    {
        conv0 = nn.Conv2d(channels, channels, 3, padding: 1);
        conv1 = nn.Conv2d(channels, channels, 3, padding: 1);
        RegisterComponents();
    }

    public void Initialize(ref Rng rng)
    {
        ParameterInit.Default(conv0, ref rng);
        ParameterInit.Default(conv1, ref rng);
    }

    public override Tensor forward(Tensor x) =>
        TorchScalars.Plus(x, conv1.call(nn.functional.relu(conv0.call(nn.functional.relu(x)))));
}
