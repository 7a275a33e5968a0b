namespace MesaLab.Transparency;

using MesaLab.Learning;
using MesaLab.Worlds;

/// <summary>
/// A network whose body may run a weight-tied block K times (maze, thinking), seen as the learned-search studies need it:
/// its named activations (<see cref="InspectableNetwork"/>), how many iterations it runs on a canvas, a run-time multiplier
/// of those iterations (test-time compute) and an input edit from a chosen iteration on. Networks without a tied block
/// (impala, mlp) report 0 iterations and ignore the other two.
/// </summary>
public sealed class IterativeNetwork
{
    private readonly Action<double> setScale;
    private readonly Func<double> getScale;
    private readonly Action<IterationInputEdit?> setEdit;
    private readonly Func<long, long, int> iterations;
    private readonly Func<InspectableNetwork> inspect;
    private InspectableNetwork? network;

    /// <param name="kind">The network kind (<c>maze</c>, <c>thinking</c>, <c>impala</c>, … or a test's name).</param>
    /// <param name="inspect">Makes the inspected view; called again after the scale changes, so the layer names
    /// (<c>body.step.K</c>) it discovers match the iterations the network now runs.</param>
    /// <param name="iterations">Iterations on a canvas of height × width at the current scale (0: no tied block).</param>
    public IterativeNetwork(string kind, Func<InspectableNetwork> inspect, Func<long, long, int> iterations, Func<double> getScale, Action<double> setScale,
        Action<IterationInputEdit?> setEdit)
    {
        Kind = kind;
        this.inspect = inspect;
        this.iterations = iterations;
        this.getScale = getScale;
        this.setScale = setScale;
        this.setEdit = setEdit;
    }

    public string Kind { get; }
    public InspectableNetwork Network => network ??= inspect();
    public string Name => Network.Name;

    /// <summary>Iterations of the tied block on a canvas of this size at the current <see cref="IterationScale"/> (0: none).</summary>
    public int Iterations(long height, long width) => iterations(height, width);

    /// <summary>Whether the network has a tied block at all (then K and its scale mean something).</summary>
    public bool HasIterations => iterations(8, 8) > 0;

    /// <summary>Multiplies the iterations the network was trained with (1: as trained).</summary>
    public double IterationScale
    {
        get => getScale();
        set
        {
            if (value == getScale()) return;
            setScale(value);
            network = null;
        }
    }

    /// <summary>Installs an input edit (null removes it); see <see cref="IterationInputEdit"/>.</summary>
    public void SetInputEdit(IterationInputEdit? edit)
    {
        // Inspect first: discovering the layers runs a sample through the network, which must not see the edit.
        _ = Network;
        setEdit(edit);
    }

    /// <summary>The activation after iteration <paramref name="iteration"/>: 0 is the embedding (<c>body.stem</c>), i ≥ 1 is <c>body.step.(i−1)</c>.</summary>
    public static string IterationLayer(int iteration) => iteration == 0 ? "body.stem" : $"body.step.{iteration - 1}";

    /// <summary>A trained (or freshly initialised) <see cref="ActorCritic"/>, inspected on <paramref name="split"/>'s canvases.</summary>
    public static IterativeNetwork FromActorCritic(ActorCritic net, string name, Split split, int canvasWidth, int canvasHeight) =>
        new(net.Settings.Kind, () => TransparencySubject.Inspect(net, name, split, canvasWidth, canvasHeight), net.Iterations,
            () => net.IterationScale, s => net.IterationScale = s, e => net.InputEdit = e);
}
