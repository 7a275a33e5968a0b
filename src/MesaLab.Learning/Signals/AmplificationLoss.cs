namespace MesaLab.Learning;

using System.Runtime.InteropServices;
using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Imitative amplification's distillation step (<c>signal.kind: amplification</c>): during each rollout, every visited
/// state is labelled with the answer of the amplified overseer (<see cref="Amplifier"/>) that consults copies of the
/// model as it is in this rollout; the update then trains the policy head by cross-entropy on those labels (its weight
/// <c>imitation_weight</c>) and the value head toward the overseer's value answers (PPO's value loss with these as its
/// returns; <see cref="Ppo"/> clears the advantages, so there is no policy-gradient term). The next rollout's overseer consults the model the update produced, so every update is one
/// iteration of amplify-then-distill. The model's greedy move at every cell of a level is computed once per level and
/// rollout (one batched forward pass with the agent placed on each cell); the overseer's query count is one per
/// label and the model-call count is the calls its answer used (<see cref="TrainingSignal.ModelQueries"/>). On keys and
/// chests (chests opened with keys) the answers come from <see cref="ChestAmplifier"/> instead, whose copies walk in
/// clones of the visited states: one forward pass per walk step over all the
/// copies of the whole rollout (at most depth + 1, once the rollout is complete), plus one for the states where the
/// overseer defers.
/// </summary>
public sealed class AmplificationLoss : IAuxiliaryLoss
{
    private const long Ignore = MaskedMoveLoss.Ignore;

    private readonly SignalSettings settings;
    private readonly TrainingSignal signal;
    private readonly CandidateObjective intended;
    private readonly Tensor envObs;
    private readonly long[] labels;
    private readonly float[] valueTargets;
    private readonly long[] tableLevel;
    private readonly int[][] modelMove;
    private readonly float[][] modelValue;
    private readonly double gamma;
    private readonly int[] exitCell;
    private readonly Tensor tLabels;
    private readonly Scalar weightS;
    private readonly MaskedMoveLoss moves = new();
    private readonly Device device;
    private readonly ActorCritic network;
    private readonly ChestAmplifier? chests;   // keys and chests: the overseer's copies walk in clones of the visited states
    private readonly Split split;
    private WorldBatch? visited;                // keys and chests: the rollout's visited states, answered once it is complete
    private float[] visitedObs = [];
    private int recordedRows;
    private int[] chestMoves = [];
    private double[] chestValues = [];
    private int[] chestCalls = [];
    private bool uploaded;

    public AmplificationLoss(SignalSettings settings, TrainingSignal signal, Split split, ActorCritic network, Tensor envObs, int instances, int transitions, double gamma, Device device)
    {
        if (settings.Kind != SignalSettings.Amplification) throw new ArgumentException("signal.kind is not amplification.", nameof(settings));
        if (network.IsRecurrent)
            throw new UserError("signal.kind is 'amplification', which consults the model on single observations and needs a feed-forward network; set network.recurrent: false or choose another signal.kind.");
        this.settings = settings;
        this.signal = signal;
        this.network = network;
        this.envObs = envObs;
        this.device = device;
        intended = split.World.IntendedObjective(split);
        this.gamma = gamma;
        labels = new long[transitions];
        valueTargets = new float[transitions];
        modelValue = new float[instances][];
        tableLevel = new long[instances];
        modelMove = new int[instances][];
        exitCell = new int[instances];
        tLabels = zeros(transitions, dtype: ScalarType.Int64).DetachFromDisposeScope();
        weightS = settings.ImitationWeight.ToScalar();
        if (ChestOverseer.Plans(intended))
        {
            chests = new ChestAmplifier(settings.AmplificationDepth, gamma);
            chestMoves = new int[transitions];
            chestValues = new double[transitions];
            chestCalls = new int[transitions];
        }
        this.split = split;
    }

    public void Record(WorldBatch batch, int row)
    {
        uploaded = false;
        // A new rollout consults the model the last update produced.
        if (row == 0) Array.Fill(tableLevel, long.MinValue);
        if (chests is not null)
        {
            RecordChests(batch, row);
            return;
        }
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            if (tableLevel[i] != batch.EpisodeLevelIndex[i] || batch.StepCount[i] == 0)
            {
                (modelMove[i], modelValue[i]) = Consult(batch, i);
                exitCell[i] = level.Find(intended.Object);
                tableLevel[i] = batch.EpisodeLevelIndex[i];
            }
            var (move, value, calls) = Amplifier.Answer(level, exitCell[i], modelMove[i], modelValue[i], batch.AgentCell[i], settings.AmplificationDepth, gamma);
            labels[row + i] = move < 0 ? Ignore : move;
            valueTargets[row + i] = move < 0 ? modelValue[i][batch.AgentCell[i]] : (float)value;
            if (move >= 0) signal.CountAmplified(calls);
        }
    }

    /// <summary>Keys and chests: keeps a copy of every instance's state; the rollout's states are answered together once it is complete (<see cref="AnswerChests"/>).</summary>
    private void RecordChests(WorldBatch batch, int row)
    {
        if (visited is null)
        {
            visited = new WorldBatch(split, labels.Length, 0, new BatchOptions { AutoReset = false, CanvasWidth = batch.CanvasWidth, CanvasHeight = batch.CanvasHeight });
            visitedObs = new float[labels.Length * visited.ObservationSize];
        }
        for (int i = 0; i < batch.Count; i++) visited.CopyInstance(batch, i, row + i, visitedObs);
        recordedRows = row + batch.Count;
    }

    /// <summary>
    /// Keys and chests: the answers of <see cref="ChestAmplifier"/> for every state of the rollout, consulting the model as
    /// it was during the rollout (no update has happened since), so all walking copies of the rollout share one forward
    /// pass per walk step.
    /// </summary>
    private void AnswerChests()
    {
        if (chests is null || recordedRows == 0) return;
        chests.Answer(visited!, visitedObs, Ask, chestMoves, chestValues, chestCalls);
        for (int t = 0; t < recordedRows; t++)
        {
            labels[t] = chestMoves[t];
            valueTargets[t] = (float)chestValues[t];
            signal.CountAmplified(chestCalls[t]);
        }
        recordedRows = 0;
    }

    /// <summary>The model's greedy moves and values on a stack of observations, in one forward pass.</summary>
    private void Ask(ReadOnlySpan<float> observations, int count, Span<int> moves, Span<float> values)
    {
        var shape = new long[] { count, envObs.shape[1], envObs.shape[2], envObs.shape[3] };
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(observations[..(count * (int)(shape[1] * shape[2] * shape[3]))].ToArray(), shape).to(device);
        var (logits, value, _) = network.Forward(x);
        var best = MemoryMarshal.Cast<byte, long>(logits.argmax(1).cpu().bytes);
        for (int c = 0; c < count; c++) moves[c] = (int)best[c];
        MemoryMarshal.Cast<byte, float>(value.reshape(-1).cpu().contiguous().bytes)[..count].CopyTo(values);
    }

    /// <summary>The amplified overseer's value answers for the rollout's transitions (time-major): the value head's targets.</summary>
    public ReadOnlySpan<float> ValueTargets
    {
        get
        {
            AnswerChests();
            return valueTargets;
        }
    }

    /// <summary>The model's greedy move and value at every cell of instance <paramref name="i"/>'s level: its current observation with the agent moved to each cell.</summary>
    private (int[] Moves, float[] Values) Consult(WorldBatch batch, int i)
    {
        var level = batch.Levels[i];
        int cells = level.CellCount, size = batch.ObservationSize, plane = batch.CanvasWidth * batch.CanvasHeight;
        var all = MemoryMarshal.Cast<byte, float>(envObs.bytes).Slice(i * size, size);
        var obs = new float[cells * size];
        int agentPlane = World.AgentChannel * plane;
        for (int c = 0; c < cells; c++)
        {
            var o = obs.AsSpan(c * size, size);
            all.CopyTo(o);
            o.Slice(agentPlane, plane).Clear();
            o[agentPlane + (level.Y(c) + batch.OffsetY[i]) * batch.CanvasWidth + level.X(c) + batch.OffsetX[i]] = 1f;
        }
        var moves = new int[cells];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(obs, [cells, batch.Channels, batch.CanvasHeight, batch.CanvasWidth]).to(device);
        var (logits, value, _) = network.Forward(x);
        var best = logits.argmax(1).cpu();
        var span = MemoryMarshal.Cast<byte, long>(best.bytes);
        for (int c = 0; c < cells; c++) moves[c] = (int)span[c];
        var values = new float[cells];
        MemoryMarshal.Cast<byte, float>(value.reshape(-1).cpu().contiguous().bytes)[..cells].CopyTo(values);
        return (moves, values);
    }

    public Tensor Loss(ActorCritic network, Tensor observations, Tensor transitions)
    {
        if (!uploaded)
        {
            AnswerChests();
            MemoryMarshal.AsBytes(labels.AsSpan()).CopyTo(tLabels.bytes);
            uploaded = true;
        }
        var logits = network.Forward(observations).Logits;
        var target = tLabels.index_select(0, transitions.cpu()).to(device);
        var ce = moves.Loss(logits, target);
        GC.KeepAlive(this);
        return ce * weightS;
    }

    public void AfterStep() { }

    public (double Loss, double Accuracy) TakeMetrics() => moves.TakeMetrics();

    /// <summary>No state of its own (one version byte): the labels are recomputed from the model in every rollout, the counts live in the signal.</summary>
    public byte[] SaveState() => [1];

    public void LoadState(byte[] state) { }

    public void Dispose()
    {
        tLabels.Dispose();
        weightS.Dispose();
        moves.Dispose();
    }
}
