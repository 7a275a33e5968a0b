namespace MesaLab.Learning;

using System.Runtime.InteropServices;
using System.Text;
using MesaLab.Worlds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// A term added to PPO's loss in every minibatch, with labels recorded from the worlds' state during the rollout.
/// <see cref="Ppo"/> calls it at three points: <see cref="Record"/> before each rollout step, <see cref="Loss"/> when
/// it builds a minibatch's loss, <see cref="AfterStep"/> after the optimizer step.
/// </summary>
public interface IAuxiliaryLoss : IDisposable
{
    /// <summary>Records the labels of transitions <c>row … row + batch.Count − 1</c> from the worlds as they are before the step.</summary>
    void Record(WorldBatch batch, int row);

    /// <summary>The (weighted) term to add to PPO's loss for one minibatch: its observations and their transition indices.</summary>
    Tensor Loss(ActorCritic network, Tensor observations, Tensor transitions);

    /// <summary>Updates the loss's own parameters after the backward pass.</summary>
    void AfterStep();

    /// <summary>Mean auxiliary loss (unweighted) and probe accuracy over the minibatches since the last call.</summary>
    (double Loss, double Accuracy) TakeMetrics();

    /// <summary>The loss's own parameters, optimizer moments and generator, for checkpoints.</summary>
    byte[] SaveState();

    void LoadState(byte[] state);
}

/// <summary>
/// Training with transparency: a linear probe head on one named layer, trained jointly with PPO to decode the first move
/// of a shortest path to a goal (4 classes). <c>intended_goal</c> decodes the intended objective's goal and adds the
/// probe's loss to PPO's (the network is rewarded for a decodable representation of the intended goal);
/// <c>penalize_proxy</c> decodes the proxy's goal with a gradient-reversal layer between network and probe, so the probe
/// minimizes its loss while the network maximizes it (the network is penalized for representing the proxy).
/// With <c>counterfactual_proxy</c> the probe sees each rollout observation with the proxy moved to a random other cell.
/// On a world whose intended objective is chests opened with keys (keys-and-chests) the label is the first move of the
/// scripted overseer's route (<see cref="ChestOverseer"/>: toward the nearest key when empty-handed, the nearest chest
/// when holding one), read from the live objects and keys held, on the real observation: the proxy (keys) is instrumental
/// to opening chests, so moving keys would change the intended route, and <c>counterfactual_proxy</c> and
/// <c>penalize_proxy</c> are refused there.
/// </summary>
public sealed class AuxiliaryProbeLoss : IAuxiliaryLoss
{
    private const ulong CounterfactualStream = 0xA0C5_1A7E_0000_0002UL;
    private const long Ignore = MaskedMoveLoss.Ignore;

    private readonly TransparencyTrainingSettings settings;
    private readonly bool penalize;
    private readonly bool imitate;
    private readonly bool collected;   // chests opened with keys: labels from the overseer's plan (ChestOverseer)
    private readonly CandidateObjective intended;
    private readonly CandidateObjective? proxy;
    private readonly int proxyChannel;
    private readonly Linear head;
    private readonly ScalarSafeAdam optimizer;
    // Long-lived Scalars: an implicit conversion would make a temporary a concurrent garbage collection may free mid-call.
    private readonly Scalar zeroS, twoS, weightS;
    private readonly MaskedMoveLoss moves = new();
    private readonly long[] labels, proxyPositions;
    private readonly Tensor tLabels, tPositions;
    private int[] distance, queue;
    private readonly Device device;
    private Rng rng;
    private bool uploaded;

    public AuxiliaryProbeLoss(TransparencyTrainingSettings settings, Split split, ActorCritic network, Tensor sampleObservations,
        int transitions, ulong seed, Device device)
    {
        settings.Validate("transparency settings");
        if (!settings.Enabled) throw new ArgumentException("transparency.aux is none: no auxiliary loss to build.", nameof(settings));
        this.settings = settings;
        this.device = device;
        penalize = settings.Aux == TransparencyTrainingSettings.PenalizeProxy;
        imitate = settings.Aux == TransparencyTrainingSettings.ImitateIntended;
        var world = split.World;
        if (network.IsRecurrent)
            throw new UserError($"transparency.aux is '{settings.Aux}', which needs a feed-forward network; set network.recurrent: false or transparency.aux: none.");
        intended = world.IntendedObjective(split);
        collected = ChestOverseer.Plans(intended);
        if (collected && (penalize || settings.CounterfactualProxy))
            throw new UserError($"transparency.{(penalize ? "aux" : "counterfactual_proxy")} is '{(penalize ? settings.Aux : "true")}', but on world '{world.Name}' the intended objective ('{intended.Name}') is collected and its proxy (keys) is instrumental to it, so there is no proxy goal to decode and moving the proxy would change the intended route; use transparency.aux: intended_goal or imitate_intended with counterfactual_proxy: false.");
        if (!collected && (intended.Kind != ObjectiveKind.Reach || intended.Object == CellObject.None))
            throw new UserError($"transparency.aux is '{settings.Aux}', but the intended objective of world '{world.Name}' ('{intended.Name}') is neither one goal cell marked by an object nor chests opened with keys; use transparency.aux: none for this world.");
        proxy = world.Candidates.FirstOrDefault(c => c.Name != intended.Name && c.Kind == ObjectiveKind.Reach && c.Object is not (CellObject.None or CellObject.Lava));
        proxyChannel = proxy is null ? -1 : World.CommonChannels.Count + world.ObjectChannels.ToList().FindIndex(o => o.Object == proxy.Object);
        if ((penalize || settings.CounterfactualProxy) && (proxy is null || proxyChannel < World.CommonChannels.Count))
            throw new UserError($"transparency.{(penalize ? "aux" : "counterfactual_proxy")} needs a proxy goal cell with its own observation channel, and world '{world.Name}' has none besides '{intended.Name}'; use transparency.aux: intended_goal with counterfactual_proxy: false, or none.");

        // Find the layer and its width with one forward pass that records the names (no gradients, no generator draws).
        var shapes = new Dictionary<string, long[]>();
        var previous = network.Hook;
        try
        {
            network.Hook = (name, t) => { shapes.TryAdd(name, t.shape); return t; };
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            network.Forward(sampleObservations.to(device));
        }
        finally { network.Hook = previous; }
        if (!shapes.TryGetValue(settings.Layer, out var shape))
            throw new UserError($"transparency.layer is '{settings.Layer}', but the network has no such layer; its layers are {string.Join(", ", shapes.Keys)}.");
        Width = shape.Skip(1).Aggregate(1L, (a, b) => a * b);

        head = nn.Linear(Width, Moves.Count);
        // Zero start (a convex probe needs no random init): draws nothing from torch's global generator, which
        // another thread may reseed between the network's construction and this.
        using (no_grad())
        {
            nn.init.zeros_(head.weight);
            nn.init.zeros_(head.bias!);
        }
        head.to(device);
        optimizer = new ScalarSafeAdam(head.parameters(), settings.ProbeLearningRate);
        zeroS = 0L.ToScalar(); twoS = 2.0.ToScalar(); weightS = settings.Weight.ToScalar();
        labels = new long[transitions];
        proxyPositions = new long[transitions];
        tLabels = zeros(transitions, dtype: ScalarType.Int64).DetachFromDisposeScope();
        tPositions = zeros(transitions, dtype: ScalarType.Int64).DetachFromDisposeScope();
        distance = new int[64];
        queue = new int[64];
        rng = new Rng(seed ^ CounterfactualStream);
    }

    /// <summary>Units of the probed layer per sample.</summary>
    public long Width { get; }

    /// <summary>The labels recorded so far this rollout, per transition (<see cref="MaskedMoveLoss.Ignore"/> where there is none).</summary>
    internal ReadOnlySpan<long> Labels => labels;

    /// <summary>The probe head (Width → 4 moves).</summary>
    public Linear Head => head;

    public void Record(WorldBatch batch, int row)
    {
        uploaded = false;
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            int agent = batch.AgentCell[i], n = level.CellCount;
            if (collected)
            {
                if (distance.Length < n) { distance = new int[n]; queue = new int[n]; }
                var move = ChestOverseer.FirstMove(level, batch.LiveObjects(i), agent, batch.KeysHeld[i], distance, queue);
                labels[row + i] = move is null ? Ignore : (long)move.Value;
                continue;
            }
            int goal = level.Find(intended.Object);
            int proxyCell;
            if (settings.CounterfactualProxy)
            {
                // Uniform over the cells other than the agent's and the intended goal's.
                int lo = Math.Min(agent, goal), hi = Math.Max(agent, goal);
                proxyCell = n - (lo == hi ? 1 : 2) <= 0 ? -1 : rng.Next(n - (lo == hi ? 1 : 2));
                if (proxyCell >= 0)
                {
                    if (proxyCell >= lo) proxyCell++;
                    if (lo != hi && proxyCell >= hi) proxyCell++;
                }
                proxyPositions[row + i] = proxyCell < 0 ? -1
                    : (long)(level.Y(proxyCell) + batch.OffsetY[i]) * batch.CanvasWidth + level.X(proxyCell) + batch.OffsetX[i];
            }
            else proxyCell = proxy is null ? -1 : level.Find(proxy.Object);
            labels[row + i] = FirstMove(level, agent, penalize ? proxyCell : goal);
        }
    }

    /// <summary>The first move of a shortest path from <paramref name="from"/> to <paramref name="goal"/> (lowest move index on ties), or <see cref="Ignore"/>.</summary>
    private long FirstMove(Level level, int from, int goal)
    {
        if (goal < 0 || goal == from) return Ignore;
        int n = level.CellCount;
        if (distance.Length < n) { distance = new int[n]; queue = new int[n]; }
        Bfs.Distances(level, [goal], distance, queue);
        int d = distance[from];
        if (d == Bfs.Unreachable) return Ignore;
        for (int m = 0; m < Moves.Count; m++)
        {
            int nb = level.Neighbor(from, (Move)m);
            if (nb != from && distance[nb] == d - 1) return m;
        }
        return Ignore;
    }

    public Tensor Loss(ActorCritic network, Tensor observations, Tensor transitions)
    {
        if (!uploaded)
        {
            MemoryMarshal.AsBytes(labels.AsSpan()).CopyTo(tLabels.bytes);
            MemoryMarshal.AsBytes(proxyPositions.AsSpan()).CopyTo(tPositions.bytes);
            uploaded = true;
        }
        head.zero_grad();
        long b = observations.shape[0], h = observations.shape[2], w = observations.shape[3];
        var x = observations;
        if (settings.CounterfactualProxy)
        {
            // The same observation with the proxy's channel holding one cell: the counterfactual position.
            var pos = tPositions.index_select(0, transitions.cpu()).to(device);
            var plane = zeros(b, h * w, device: device).scatter_(1, pos.clamp_min(zeroS).unsqueeze(1), ones(b, 1, device: device));
            plane = plane * (pos >= zeroS).to(ScalarType.Float32).unsqueeze(1);
            x = observations.clone();
            x.select(1, proxyChannel).copy_(plane.view(b, h, w));
        }
        Tensor logits;
        if (imitate)
        {
            // Behaviour cloning: the policy's own logits on the same observations are taught the same labels.
            logits = network.Forward(x).Logits;
        }
        else
        {
            Tensor? captured = null;
            var previous = network.Hook;
            try
            {
                network.Hook = (name, t) =>
                {
                    if (name == settings.Layer) captured = t;
                    return previous is null ? t : previous(name, t);
                };
                network.Forward(x);
            }
            finally { network.Hook = previous; }
            var features = captured!.reshape(b, -1);
            // Gradient reversal: the same values forward, the negated gradient into the network.
            if (penalize) features = features.detach() * twoS - features;
            logits = head.call(features);
        }
        var target = tLabels.index_select(0, transitions.cpu()).to(device);
        var ce = moves.Loss(logits, target);
        GC.KeepAlive(this);   // the Scalar fields must outlive the native calls that read them
        return ce * weightS;
    }

    public void AfterStep()
    {
        // Imitation trains the network only: the probe head is never read.
        if (!imitate) optimizer.Step();
    }

    public (double Loss, double Accuracy) TakeMetrics() => moves.TakeMetrics();

    public byte[] SaveState()
    {
        using var s = new MemoryStream();
        using (var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref rng, 1)));
            head.save(w);
            optimizer.Save(w);
        }
        return s.ToArray();
    }

    public void LoadState(byte[] state)
    {
        using var r = new BinaryReader(new MemoryStream(state), Encoding.UTF8);
        rng = MemoryMarshal.Read<Rng>(r.ReadBytes(Marshal.SizeOf<Rng>()));
        head.load(r);
        optimizer.Load(r, "the checkpoint's auxiliary section");
    }

    public void Dispose()
    {
        tLabels.Dispose();
        tPositions.Dispose();
        optimizer.Dispose();
        head.Dispose();
        foreach (var x in new[] { zeroS, twoS, weightS }) x.Dispose();
        moves.Dispose();
    }
}
