namespace MesaLab.Learning;

using MesaLab.Worlds;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// A weight-tied "thinking" network (after the deep-thinking networks of Schwarzschild et al. 2021 and Bansal et al. 2022)
/// with no search built in. Every cell gets an embedding from its own observation channels (<c>stem</c>, 1×1); then one
/// residual block runs K times:
/// <c>s ← relu(s + mix(relu(spread([s, s↑, s↓, s←, s→, e]))))</c>, a 3×3 convolution restricted to the four orthogonal
/// neighbours (<c>spread</c>, with the embedding re-injected) followed by a 1×1 convolution (<c>mix</c>). Unlike
/// <see cref="MazeBody"/> nothing gates a neighbour's copy by the walls: the walls are only input channels, so routing
/// along corridors is something the block must learn. The embedding injected at each iteration can be swapped for an
/// edited input's from a chosen iteration on (<see cref="PolicyBody.InputEdit"/>). The readout is the maze network's: the state at the agent's cell and
/// its four neighbours' (ungated), and a global max-pool. Because the block is tied, K is free at run time (see
/// <see cref="PolicyBody.IterationScale"/>).
/// </summary>
public sealed class ThinkingBody : PolicyBody
{
    private readonly Linear stem;
    private readonly Linear spread;
    private readonly Linear mix;
    private readonly int channels;
    private readonly NetworkSettings settings;

    public ThinkingBody(int inputChannels, NetworkSettings settings) : base("body")
    {
        if (inputChannels <= World.AgentChannel)
            throw new ArgumentException($"the thinking network needs the common channels (inside, 4 walls, agent); got {inputChannels} channels.");
        this.settings = settings;
        channels = settings.Channels;
        // Per-cell layers are Linear over a channels-last grid (B × H × W × C), as in MazeBody: the same maths as
        // convolutions, with a backward pass that is much cheaper on the CPU than libtorch's convolution kernels.
        stem = nn.Linear(inputChannels, channels);
        spread = nn.Linear(6 * channels, channels);
        mix = nn.Linear(channels, channels);
        RegisterComponents();
    }

    public override long FeatureSize => 6L * channels;

    public override void Initialize(ref Rng rng)
    {
        ParameterInit.Default(stem, ref rng);
        ParameterInit.Default(spread, ref rng);
        ParameterInit.Default(mix, ref rng);
    }

    /// <summary>The iterations of the block on a canvas of the given size (the settings' K times <see cref="PolicyBody.IterationScale"/>).</summary>
    public override int Iterations(long height, long width) => settings.IterationsFor(height, width, IterationScale);

    /// <summary>Observations B × C × H × W in; features B × 6C out. Named grid activations are channels-last (B × H × W × C).</summary>
    public override Tensor forward(Tensor x)
    {
        long h = x.shape[2], w = x.shape[3];
        var grid = x.permute(0, 2, 3, 1);                                              // B × H × W × Cin
        var e = Named("body.stem", nn.functional.relu(stem.call(grid)));
        var edited = InputEdit is { } edit ? nn.functional.relu(stem.call(edit.Edited(x).permute(0, 2, 3, 1))) : null;
        var s = edited is not null && InputEdit!.FromIteration == 0 ? edited : e;
        int k = Iterations(h, w);
        for (int i = 0; i < k; i++)
        {
            var input = edited is not null && i >= InputEdit!.FromIteration ? edited : e;
            var hidden = nn.functional.relu(spread.call(cat([WithNeighbours(s, h, w), input], 3)));
            s = Named($"body.step.{i}", nn.functional.relu(TorchScalars.Plus(s, mix.call(hidden))));
        }
        var full = WithNeighbours(s, h, w);                                            // B × H × W × 5C
        var agent = grid.narrow(3, World.AgentChannel, 1);
        var atAgent = (full * agent).sum([1, 2]);
        var pooled = s.amax([1, 2]);
        return Named("body.features", cat([atAgent, pooled], 1));
    }

    /// <summary>[s, copies of the four neighbours' s] along channels (zero beyond the canvas): B × H × W × 5C.</summary>
    private static Tensor WithNeighbours(Tensor s, long h, long w)
    {
        var p = nn.functional.pad(s, [0, 0, 1, 1, 1, 1]);                             // zero border: B × (H+2) × (W+2) × C
        return cat([
            s,
            p.narrow(1, 0, h).narrow(2, 1, w),                                         // the cell above
            p.narrow(1, 2, h).narrow(2, 1, w),                                         // below
            p.narrow(1, 1, h).narrow(2, 0, w),                                         // left
            p.narrow(1, 1, h).narrow(2, 2, w),                                         // right
        ], 3);
    }
}
