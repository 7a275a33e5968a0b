namespace MesaLab.Transparency;

using MesaLab.Learning;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;
using static TorchSharp.torch;

/// <summary>
/// A stored run opened for inspection: its latest checkpoint's network on the canvas of the split being studied,
/// seen as an <see cref="InspectableNetwork"/>, plus a randomly initialized network of the same architecture (the
/// probe control). Errors a user can cause (no checkpoint, another world, a recurrent core) are <see cref="UserError"/>s.
/// </summary>
public sealed class TransparencySubject : IDisposable
{
    private readonly ActorCritic network;
    private readonly CheckpointMeta meta;

    private TransparencySubject(RunRecord run, string checkpointPath, string checkpointSha, Split split, ActorCritic network, CheckpointMeta meta, string workspace)
    {
        Run = run;
        CheckpointPath = checkpointPath;
        CheckpointSha256 = checkpointSha;
        Split = split;
        this.network = network;
        this.meta = meta;
        Workspace = workspace;
        var generator = split.World.CreateGenerator(split);
        CanvasWidth = generator.MaxWidth;
        CanvasHeight = generator.MaxHeight;
        Network = Inspect(network, $"run {run.Id} ({run.Name})", split, CanvasWidth, CanvasHeight);
    }

    public RunRecord Run { get; }
    public string CheckpointPath { get; }
    public string CheckpointSha256 { get; }
    public Split Split { get; }
    public string Workspace { get; }
    public int CanvasWidth { get; }
    public int CanvasHeight { get; }
    public InspectableNetwork Network { get; }

    /// <summary>Where this run's transparency files go: <c>&lt;workspace&gt;/&lt;run id&gt;/transparency</c>.</summary>
    public string Directory => Path.Combine(Workspace, Run.Id, "transparency");

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

    /// <summary>Parses a comma-separated layer list (null or empty = the default layers), checking every name.</summary>
    public IReadOnlyList<string> Layers(string? commaSeparated) =>
        string.IsNullOrWhiteSpace(commaSeparated) ? DefaultLayers()
            : Network.ResolveLayers(commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The same architecture with fresh random weights (seeded), inspected the same way.</summary>
    public InspectableNetwork RandomInitialization(ulong seed)
    {
        var fresh = new ActorCritic(meta.Network, meta.InputChannels, meta.InputHeight, meta.InputWidth, seed);
        fresh.eval();
        return Inspect(fresh, $"randomly initialized copy of run {Run.Id}", Split, CanvasWidth, CanvasHeight);
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

    /// <summary>Opens run <paramref name="runKey"/>'s latest checkpoint for the split named (null = the run's deploy split).</summary>
    public static TransparencySubject Open(IRunStore store, string runKey, string? splitName)
    {
        var run = store.GetRun(runKey);
        var reference = store.LatestCheckpoint(run.Id)
            ?? throw new UserError($"run {run.Id} ({run.Name}) has no checkpoint; the transparency tools need a trained network (train one with 'mesalab train').");
        var path = Path.Combine(store.Workspace, reference.Path);
        var checkpoint = Checkpoint.Read(path);
        ExperimentConfig? config = null;
        if (!string.IsNullOrWhiteSpace(run.Config))
        {
            try { config = ExperimentConfig.Parse(run.Config, $"configuration of run {run.Id}"); }
            catch (UserError) { config = null; }
        }
        var world = WorldCatalog.Get(checkpoint.Meta.World);
        if (!string.Equals(run.World, world.Name, StringComparison.OrdinalIgnoreCase))
            throw new UserError($"run {run.Id} is recorded for world '{run.World}' but its checkpoint {reference.Path} was trained on '{world.Name}'; the run store and the checkpoint do not match.");
        Split split;
        if (config is not null && string.Equals(config.World.Name, world.Name, StringComparison.OrdinalIgnoreCase))
            split = splitName is null ? config.DeploySplit : config.Split(splitName);
        else
            split = world.Split(splitName ?? "deploy", where: "--split");
        if (split.World.Channels.Count != checkpoint.Meta.InputChannels)
            throw new UserError($"split '{split.Name}' of world '{split.World.Name}' has {split.World.Channels.Count} observation channels but run {run.Id}'s network reads {checkpoint.Meta.InputChannels}; choose a split of the world it was trained on.");
        var net = checkpoint.BuildNetwork();
        var generator = split.World.CreateGenerator(split);
        if (net.Settings.Kind == "mlp" && (generator.MaxWidth != checkpoint.Meta.InputWidth || generator.MaxHeight != checkpoint.Meta.InputHeight))
            throw new UserError($"run {run.Id} has an mlp network tied to {checkpoint.Meta.InputWidth}×{checkpoint.Meta.InputHeight} canvases but split '{split.Name}' needs {generator.MaxWidth}×{generator.MaxHeight}; use a split of that size or a maze network.");
        return new TransparencySubject(run, path, reference.Sha256, split, net, checkpoint.Meta, store.Workspace);
    }

    public void Dispose() => network.Dispose();
}
