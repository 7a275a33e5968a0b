namespace MesaLab.Transparency;

using MesaLab.Learning;
using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>
/// A trained network under inspection: a run's checkpoint on the canvas of the split being studied, seen as an
/// <see cref="InspectableNetwork"/>, plus a randomly initialized network of the same architecture (the probe control).
/// Files it produces go to the run's directory in the workspace.
/// </summary>
public sealed class TransparencySubject : IDisposable
{
    private readonly ActorCritic network;
    private readonly CheckpointMeta meta;

    public TransparencySubject(string runId, string runName, string checkpointPath, string checkpointSha, Split split, ActorCritic network, CheckpointMeta meta, string workspace)
    {
        RunId = runId;
        CheckpointPath = checkpointPath;
        CheckpointSha256 = checkpointSha;
        Split = split;
        this.network = network;
        this.meta = meta;
        Workspace = workspace;
        var generator = split.World.CreateGenerator(split);
        CanvasWidth = generator.MaxWidth;
        CanvasHeight = generator.MaxHeight;
        Network = Inspect(network, $"run {runId} ({runName})", split, CanvasWidth, CanvasHeight);
    }

    public string RunId { get; }
    public string CheckpointPath { get; }
    public string CheckpointSha256 { get; }
    public Split Split { get; }
    public string Workspace { get; }
    public int CanvasWidth { get; }
    public int CanvasHeight { get; }
    public InspectableNetwork Network { get; }

    /// <summary>Where this run's transparency files go: <c>&lt;workspace&gt;/&lt;run id&gt;/transparency</c>.</summary>
    public string Directory => Path.Combine(Workspace, RunId, "transparency");

    /// <summary>
    /// The layers studied by default: every distinct layer except the value head, with repeated layers (names ending in
    /// <c>.K</c>, such as the weight-tied <c>body.step.K</c>) thinned to evenly spaced ones so at most <paramref name="max"/> remain.
    /// </summary>
    public IReadOnlyList<string> DefaultLayers(int max = 8)
    {
        var layers = Network.LayerNames.Where(l => l != "value").ToList();
        if (layers.Count <= max) return layers;
        static bool Repeated(string l) => l.LastIndexOf('.') is int i && i > 0 && int.TryParse(l[(i + 1)..], out _);
        var repeated = layers.Where(Repeated).ToList();
        int room = Math.Max(2, max - (layers.Count - repeated.Count));
        var keep = repeated.Count <= room ? repeated.ToHashSet()
            : Enumerable.Range(0, room).Select(i => repeated[(int)Math.Round(i * (repeated.Count - 1) / (double)(room - 1))]).ToHashSet();
        return [.. layers.Where(l => !Repeated(l) || keep.Contains(l))];
    }

    /// <summary>The same architecture with fresh random weights (seeded), inspected the same way.</summary>
    public InspectableNetwork RandomInitialization(ulong seed)
    {
        var fresh = new ActorCritic(meta.Network, meta.InputChannels, meta.InputHeight, meta.InputWidth, seed);
        fresh.eval();
        return Inspect(fresh, $"randomly initialized copy of run {RunId}", Split, CanvasWidth, CanvasHeight);
    }

    /// <summary>An <see cref="ActorCritic"/> seen through its named-activation hook.</summary>
    public static InspectableNetwork Inspect(ActorCritic net, string name, Split split, int canvasWidth, int canvasHeight)
    {
        if (net.IsRecurrent)
            throw new UserError($"{name} has a recurrent core; the transparency tools inspect feed-forward networks only (train with network.recurrent: false).");
        var generator = split.World.CreateGenerator(split);
        var sample = ObservationBuilder.Build(split, [(generator.Generate(0, 0), generator.Generate(0, 0).Start)], canvasWidth, canvasHeight);
        return InspectableNetwork.FromNamedActivations(name,
            h => net.Hook = h is null ? null : new ActivationHook((n, t) => h(n, t)),
            obs => net.Forward(obs).Logits, sample);
    }

    public void Dispose() => network.Dispose();
}
