namespace MesaLab.Transparency.Tests;

using MesaLab.Learning;
using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>
/// A hand-built "network" that runs breadth-first search from the exit by iteration, so what each iteration holds is
/// known exactly: per cell the state is [v, r, n] with v = γ^d once the wave from the exit has reached the cell (d = its
/// distance, reached after d iterations) and 0 before, r = 1 once reached, n = the iterations it has been reached for
/// (so d = (i + 1)·r − n + 1 after iteration i: decodable linearly only where the wave has arrived). It moves along the
/// steepest ascent of v at the agent's cell, or uniformly among open moves while the wave has not reached the agent.
/// With <see cref="Noise"/> the iteration states are seeded noise that carries nothing about the maze (a null control).
/// It names its activations like <see cref="ActorCritic"/> (<c>body.stem</c>, <c>body.step.i</c>, channels last) and
/// honours an iteration scale and an <see cref="IterationInputEdit"/>.
/// </summary>
internal sealed class BfsNetwork(int baseIterations, bool noise = false)
{
    private const float Gamma = 0.9f;
    private Func<string, Tensor, Tensor>? hook;

    public double Scale { get; set; } = 1;
    public IterationInputEdit? Edit { get; set; }
    public bool Noise { get; } = noise;

    public int Iterations => Math.Max(1, (int)Math.Round(baseIterations * Scale, MidpointRounding.AwayFromZero));

    public IterativeNetwork Inspect(Split split, int canvasWidth, int canvasHeight)
    {
        var generator = split.World.CreateGenerator(split);
        var level = generator.Generate(0, 0);
        var sample = ObservationBuilder.Build(split, [(level, level.Start)], canvasWidth, canvasHeight);
        return new IterativeNetwork("bfs", () => InspectableNetwork.FromNamedActivations(Noise ? "noise network" : "BFS network", h => hook = h, Logits, sample),
            (_, _) => Iterations, () => Scale, s => Scale = s, e => Edit = e);
    }

    private Tensor Named(string name, Tensor t) => hook is null ? t : hook(name, t);

    public Tensor Logits(Tensor x)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        var open = 1 - x.narrow(1, World.FirstWallChannel, 4);                        // N × 4 × H × W: up, down, left, right
        var goal = x[.., HandBuilt.ExitChannel];                                       // N × H × W
        var edited = Edit is { } e ? e.Edited(x)[.., HandBuilt.ExitChannel] : null;
        var v = edited is not null && Edit!.FromIteration == 0 ? edited : goal;
        var reached = (v > 0).to(ScalarType.Float32);
        var count = reached.clone();
        Named("body.stem", State(v, reached, count, 0));
        for (int i = 0; i < Iterations; i++)
        {
            var source = edited is not null && i >= Edit!.FromIteration ? edited : goal;
            var through = (Neighbours(v, h, w) * open).amax(1) * Gamma;               // best value one open move away
            v = maximum(source, through);
            reached = (v > 0).to(ScalarType.Float32);
            count = count + reached;
            Named($"body.step.{i}", State(v, reached, count, i + 1));
        }
        var agent = x[.., World.AgentChannel].unsqueeze(1);                           // N × 1 × H × W
        var ahead = (Neighbours(v, h, w) * agent).sum([2, 3]);                         // N × 4: v one move away from the agent
        var openHere = (open * agent).sum([2, 3]);
        return where(openHere > 0, 50 * ahead.clamp_min(1e-30f).log(), full_like(ahead, -1e4f));
    }

    /// <summary>v of the cell above, below, left and right of each cell (0 beyond the canvas): N × 4 × H × W.</summary>
    private static Tensor Neighbours(Tensor v, long h, long w)
    {
        var p = nn.functional.pad(v, [1, 1, 1, 1]);
        return stack([p.narrow(1, 0, h).narrow(2, 1, w), p.narrow(1, 2, h).narrow(2, 1, w), p.narrow(1, 1, h).narrow(2, 0, w), p.narrow(1, 1, h).narrow(2, 2, w)], 1);
    }

    private Tensor State(Tensor v, Tensor reached, Tensor count, int iteration)
    {
        var s = stack([v, reached, count], 3);                                         // N × H × W × 3
        if (!Noise) return s;
        var rng = new Rng(0xA015EUL + (ulong)iteration);
        var noise = new float[s.NumberOfElements];
        for (int k = 0; k < noise.Length; k++) noise[k] = (float)rng.NextDouble();
        return tensor(noise, s.shape);
    }
}
