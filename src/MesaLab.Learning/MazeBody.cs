namespace MesaLab.Learning;

using MesaLab.Worlds;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The size-agnostic maze network (see docs/learning.md). Every cell gets a feature vector from its own
/// observation channels (<c>stem</c>, 1×1); then one weight-tied block (<c>step</c>) runs K times, each time
/// mixing a cell's features with copies of its four neighbours' features, each copy gated to zero where a wall
/// blocks that move; the embedding is injected again at every step (recall) so long propagation does not
/// forget the input. The readout takes the features at the agent's cell, its four gated neighbour copies and a
/// global max-pool. Nothing depends on the canvas size, so one checkpoint runs on any level; K grows with the
/// canvas so information can cross bigger mazes.
/// </summary>
public sealed class MazeBody : PolicyBody
{
    private readonly Linear stem;
    private readonly Linear inject;
    private readonly Linear step;
    private readonly int channels;
    private readonly NetworkSettings settings;

    public MazeBody(int inputChannels, NetworkSettings settings) : base("body")
    {
        if (inputChannels <= World.AgentChannel)
            throw new ArgumentException($"the maze network needs the common channels (inside, 4 walls, agent); got {inputChannels} channels.");
        this.settings = settings;
        channels = settings.Channels;
        // Per-cell layers are Linear over a channels-last grid (B × H × W × C): the same maths as 1×1 convolutions,
        // but matrix multiplies whose backward pass is much cheaper on the CPU than convolution kernels.
        stem = nn.Linear(inputChannels, channels);
        inject = nn.Linear(channels, channels);
        step = nn.Linear(5 * channels, channels, hasBias: false);
        RegisterComponents();
    }

    public override long FeatureSize => 6L * channels;

    public override void Initialize(ref Rng rng)
    {
        ParameterInit.Default(stem, ref rng);
        ParameterInit.Default(inject, ref rng);
        ParameterInit.Default(step, ref rng);
    }

    /// <summary>The per-cell layers, for the fused C# passes (<see cref="FusedMazeNetwork"/>).</summary>
    internal (Linear Stem, Linear Inject, Linear Step) Layers => (stem, inject, step);

    /// <summary>The propagation steps this body runs on a canvas of the given size.</summary>
    public int Iterations(long height, long width) => settings.IterationsFor(height, width);

    /// <summary>Observations B × C × H × W in; features B × 6C out. Named grid activations are channels-last (B × H × W × C).</summary>
    public override Tensor forward(Tensor x)
    {
        long h = x.shape[2], w = x.shape[3];
        var grid = x.permute(0, 2, 3, 1);                                              // B × H × W × Cin
        // 1 where the move out of the cell in that direction is open (Up, Down, Left, Right): B × H × W × 4 × 1.
        var open = TorchScalars.OneMinus(grid.narrow(3, World.FirstWallChannel, 4)).unsqueeze(4);
        var e = Named("body.stem", nn.functional.relu(stem.call(grid)));
        var recall = inject.call(e);
        var s = e;
        int k = Iterations(h, w);
        for (int i = 0; i < k; i++)
            s = Named($"body.step.{i}", nn.functional.relu(TorchScalars.Plus(recall, step.call(WithNeighbours(s, open, h, w)))));
        var full = WithNeighbours(s, open, h, w);                                      // B × H × W × 5C
        var agent = grid.narrow(3, World.AgentChannel, 1);
        var atAgent = (full * agent).sum([1, 2]);
        var pooled = s.amax([1, 2]);
        return Named("body.features", cat([atAgent, pooled], 1));
    }

    /// <summary>[s, gated copies of the four neighbours' s] along channels: B × H × W × 5C.</summary>
    private Tensor WithNeighbours(Tensor s, Tensor open, long h, long w)
    {
        var p = nn.functional.pad(s, [0, 0, 1, 1, 1, 1]);                             // zero border: B × (H+2) × (W+2) × C
        var n = stack([
            p.narrow(1, 0, h).narrow(2, 1, w),                                         // the cell above
            p.narrow(1, 2, h).narrow(2, 1, w),                                         // below
            p.narrow(1, 1, h).narrow(2, 0, w),                                         // left
            p.narrow(1, 1, h).narrow(2, 2, w),                                         // right
        ], 3) * open;                                                                  // B × H × W × 4 × C
        return cat([s, n.flatten(3)], 3);
    }
}

/// <summary>Two tanh layers over the flattened observation (CleanRL's MLP agent); tied to one canvas size.</summary>
public sealed class MlpBody : PolicyBody
{
    private readonly Sequential layers;
    private readonly int hidden;

    public MlpBody(long inputs, int hidden) : base("body")
    {
        this.hidden = hidden;
        layers = nn.Sequential(
            ("fc1", nn.Linear(inputs, hidden)), ("act1", nn.Tanh()),
            ("fc2", nn.Linear(hidden, hidden)), ("act2", nn.Tanh()));
        RegisterComponents();
    }

    public override long FeatureSize => hidden;

    public override void Initialize(ref Rng rng)
    {
        foreach (var layer in layers.children().OfType<Linear>()) ParameterInit.Orthogonal(layer, Math.Sqrt(2), ref rng);
    }

    public override Tensor forward(Tensor x) => Named("body.features", layers.call(x.flatten(1)));
}
