namespace MesaLab.Learning;

using MesaLab.Worlds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// Called with every named activation during a forward pass; returns the activation to use from there on
/// (return it unchanged to record, or a modified tensor to steer). Names: <c>body.stem</c>, <c>body.step.K</c>,
/// <c>body.features</c>, <c>core</c>, <c>policy</c> (logits), <c>value</c>.
/// </summary>
public delegate Tensor ActivationHook(string name, Tensor activation);

/// <summary>
/// The policy/value network: a body that turns observations into a feature vector, an optional GRU core,
/// and small policy and value heads. Submodules are named <c>body</c>, <c>core</c>, <c>policy</c>, <c>value</c>.
/// </summary>
public sealed class ActorCritic : nn.Module
{
    private readonly PolicyBody body;
    private readonly GRUCell? core;
    private readonly Sequential policy;
    private readonly Sequential value;

    /// <summary>Stream of the generator that initializes a network from its seed (see <see cref="ParameterInit"/>).</summary>
    private const ulong InitStream = 0x1417_5EED_0000_0003UL;

    /// <summary>
    /// A network for observations of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/>, with every
    /// parameter drawn from its own generator seeded by <paramref name="seed"/>: the same settings and seed give the same
    /// weights, whatever else uses torch's global generator.
    /// </summary>
    public ActorCritic(NetworkSettings settings, int channels, int height, int width, ulong seed) : base("actor_critic")
    {
        settings.Validate("network settings");
        Settings = settings;
        InputChannels = channels;
        InputHeight = height;
        InputWidth = width;
        body = settings.Kind switch
        {
            "mlp" => new MlpBody(channels * height * width, settings.Hidden),
            "impala" => new ImpalaBody(channels),
            _ => new MazeBody(channels, settings),
        };
        var rng = new Rng(seed ^ InitStream);
        body.Initialize(ref rng);
        long features = body.FeatureSize;
        if (settings.Recurrent)
        {
            core = nn.GRUCell(features, settings.CoreSize);
            ParameterInit.Default(core, settings.CoreSize, ref rng);
            features = settings.CoreSize;
        }
        // CleanRL's initialisation: orthogonal weights, small policy output (near-uniform start), unit value output.
        // The mlp and impala bodies end in their own dense layer, so their heads are single linear layers (as in CleanRL and Procgen).
        if (settings.Kind is "mlp" or "impala")
        {
            policy = nn.Sequential(("out", ParameterInit.Orthogonal(nn.Linear(features, Moves.Count), 0.01, ref rng)));
            value = nn.Sequential(("out", ParameterInit.Orthogonal(nn.Linear(features, 1), 1.0, ref rng)));
        }
        else
        {
            policy = nn.Sequential(("hidden", ParameterInit.Orthogonal(nn.Linear(features, settings.Hidden), Math.Sqrt(2), ref rng)), ("act", nn.Tanh()),
                ("out", ParameterInit.Orthogonal(nn.Linear(settings.Hidden, Moves.Count), 0.01, ref rng)));
            value = nn.Sequential(("hidden", ParameterInit.Orthogonal(nn.Linear(features, settings.Hidden), Math.Sqrt(2), ref rng)), ("act", nn.Tanh()),
                ("out", ParameterInit.Orthogonal(nn.Linear(settings.Hidden, 1), 1.0, ref rng)));
        }
        RegisterComponents();
    }

    public NetworkSettings Settings { get; }
    public int InputChannels { get; }

    /// <summary>The canvas the network was built for (only the mlp body is tied to it).</summary>
    public int InputHeight { get; }
    public int InputWidth { get; }

    public bool IsRecurrent => core is not null;

    /// <summary>Width of the recurrent state (0 without a core).</summary>
    public int CoreSize => core is null ? 0 : Settings.CoreSize;

    /// <summary>Observes or edits named activations during forward passes (null: none).</summary>
    public ActivationHook? Hook
    {
        get => body.Hook;
        set => body.Hook = value;
    }

    /// <summary>Zero recurrent state for <paramref name="count"/> agents (null without a core).</summary>
    public Tensor? InitialState(long count, Device device) => core is null ? null : zeros(count, Settings.CoreSize, device: device);

    /// <summary>
    /// One step: logits (B×4), values (B) and the next recurrent state. <paramref name="episodeStart"/> (B, 1 where the
    /// observation is the first of an episode) clears the recurrent state of those agents before the step.
    /// </summary>
    public (Tensor Logits, Tensor Value, Tensor? State) Forward(Tensor observations, Tensor? state = null, Tensor? episodeStart = null)
    {
        CheckShape(observations);
        var f = body.call(observations);
        if (core is not null)
        {
            state ??= zeros(observations.shape[0], Settings.CoreSize, device: observations.device);
            if (episodeStart is not null) state = state * TorchScalars.OneMinus(episodeStart).unsqueeze(1);
            state = Named("core", core.call(f, state));
            f = state;
        }
        var logits = Named("policy", policy.call(f));
        var v = Named("value", value.call(f).squeeze(1));
        return (logits, v, state);
    }

    /// <summary>
    /// A whole rollout segment for the recurrent update: observations (T·B, …) in time-major order, the state
    /// before the first step (B × core) and episode-start flags (T × B). Returns logits (T·B × 4) and values (T·B).
    /// Without a core this is one batched <see cref="Forward"/>.
    /// </summary>
    public (Tensor Logits, Tensor Value) ForwardSequence(Tensor observations, Tensor? state, Tensor episodeStarts)
    {
        if (core is null)
        {
            var (l, v, _) = Forward(observations);
            return (l, v);
        }
        CheckShape(observations);
        long steps = episodeStarts.shape[0], batch = episodeStarts.shape[1];
        var f = body.call(observations).view(steps, batch, -1);
        state ??= zeros(batch, Settings.CoreSize, device: observations.device);
        var outs = new Tensor[steps];
        for (long t = 0; t < steps; t++)
        {
            state = core.call(f[t], state * TorchScalars.OneMinus(episodeStarts[t]).unsqueeze(1));
            outs[t] = state;
        }
        var h = Named("core", stack(outs, 0).view(steps * batch, -1));
        return (Named("policy", policy.call(h)), Named("value", value.call(h).squeeze(1)));
    }

    private Tensor Named(string name, Tensor t) => Hook is null ? t : Hook(name, t);

    private void CheckShape(Tensor observations)
    {
        if (observations.dim() != 4 || observations.shape[1] != InputChannels)
            throw new UserError($"this network reads observations of {InputChannels} channels, but got a tensor of shape [{string.Join(", ", observations.shape)}]; was it trained on another world?");
        if (Settings.Kind == "mlp" && (observations.shape[2] != InputHeight || observations.shape[3] != InputWidth))
            throw new UserError($"this mlp network reads {InputHeight}×{InputWidth} canvases only, but got {observations.shape[2]}×{observations.shape[3]}; use network.kind: maze to run one checkpoint on any level size.");
    }

}

/// <summary>Turns observations (B × C × H × W) into one feature vector per agent (B × <see cref="FeatureSize"/>).</summary>
public abstract class PolicyBody(string name) : nn.Module<Tensor, Tensor>(name)
{
    public abstract long FeatureSize { get; }

    /// <summary>Draws every parameter of the body from <paramref name="rng"/> (the network's own generator).</summary>
    public abstract void Initialize(ref Rng rng);

    public ActivationHook? Hook { get; set; }

    protected Tensor Named(string name, Tensor t) => Hook is null ? t : Hook(name, t);
}
