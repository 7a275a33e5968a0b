namespace MesaLab.Learning;

using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Runtime.InteropServices;
using MesaLab.Worlds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// PPO in one file, read top to bottom: settings → network → rollout → update (the CleanRL habit).
// Metric names are the same everywhere: see UpdateMetrics.

/// <summary>
/// Every PPO hyperparameter, documented, with defaults that train the default green-arrow-maze agent.
/// YAML section <c>ppo:</c>; field names are the snake_case forms of the property names.
/// </summary>
[ConfigSection("ppo")]
public sealed record PpoSettings : ICheckedSettings
{
    /// <summary>Level instances stepped together (the vector of environments).</summary>
    [Range(1, 4096)] public int NumEnvs { get; init; } = 32;

    /// <summary>Steps taken in every instance per rollout; a rollout holds num_envs × num_steps transitions.</summary>
    [Range(1, 4096)] public int NumSteps { get; init; } = 32;

    /// <summary>Environment steps of the whole run (the training budget).</summary>
    [Range(1L, 1_000_000_000_000L)] public long TotalSteps { get; init; } = 300_000;

    /// <summary>Adam step size at the start (annealed linearly to 0 when anneal_lr is on).</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)] public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decay the learning rate linearly to zero over the run.</summary>
    public bool AnnealLr { get; init; } = true;

    /// <summary>Discount factor of the return.</summary>
    [Range(0.0, 1.0)] public double Gamma { get; init; } = 0.97;

    /// <summary>λ of generalized advantage estimation (1 = Monte Carlo, 0 = one-step TD).</summary>
    [Range(0.0, 1.0)] public double GaeLambda { get; init; } = 0.95;

    /// <summary>Passes over each rollout.</summary>
    [Range(1, 1000)] public int Epochs { get; init; } = 3;

    /// <summary>Minibatches per pass (for recurrent networks: groups of whole instances).</summary>
    [Range(1, 1 << 20)] public int Minibatches { get; init; } = 4;

    /// <summary>Normalize advantages within each minibatch.</summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Clip range ε of the probability ratio in the surrogate objective.</summary>
    [Range(0.0, 10.0, MinimumIsExclusive = true)] public double ClipCoef { get; init; } = 0.2;

    /// <summary>Clip the value update to ±clip_coef around the rollout's values (PPO2's value clipping).</summary>
    public bool ClipValueLoss { get; init; } = true;

    /// <summary>Weight of the entropy bonus.</summary>
    [Range(0.0, 1000.0)] public double EntCoef { get; init; } = 0.01;

    /// <summary>Weight of the value loss.</summary>
    [Range(0.0, 1000.0)] public double VfCoef { get; init; } = 0.5;

    /// <summary>Global gradient-norm clip.</summary>
    [Range(0.0, 1e9, MinimumIsExclusive = true)] public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Stop an update's epochs early once approx_kl exceeds this (null: never).</summary>
    [Range(0.0, 1000.0, MinimumIsExclusive = true)] public double? TargetKl { get; init; }

    /// <summary>Most transitions one rollout may hold (num_envs × num_steps): its observations are kept in memory.</summary>
    public const int MaxBatchSize = 1 << 18;

    /// <summary>
    /// Episodes played on each level before the next one (a trial, for meta-RL): a recurrent core keeps its memory across
    /// the episodes of a trial and forgets only when a new level begins; returns and advantages stay per episode. 1: ordinary episodes.
    /// </summary>
    [Range(1, 10_000)] public int EpisodesPerTrial { get; init; } = 1;

    /// <summary>Transitions per rollout.</summary>
    public int BatchSize => checked(NumEnvs * NumSteps);

    /// <summary>Throws <see cref="UserError"/> naming the first bad field (its range or a rule between fields).</summary>
    public void Validate(string where)
    {
        foreach (var (field, problem) in Ranges.AllProblems(this)) throw new UserError($"{where}: ppo.{field} {problem}.");
    }

    /// <summary>The rules between fields (each field's own bounds are its <see cref="RangeAttribute"/>), as (YAML field, what is wrong and what is allowed).</summary>
    public IEnumerable<(string Field, string Problem)> Check()
    {
        long batch = (long)NumEnvs * NumSteps;
        if (batch > MaxBatchSize)
            yield return ("num_steps", $"makes num_envs × num_steps {batch}, but a rollout holds at most {MaxBatchSize} transitions; lower num_envs or num_steps");
        else if (NumEnvs >= 1 && NumSteps >= 1 && Minibatches >= 1 && batch % Minibatches != 0)
            yield return ("minibatches", $"({Minibatches}) must divide num_envs × num_steps ({batch})");
    }
}

/// <summary>What one update measured, under the metric names used everywhere in MesaLab.</summary>
public sealed record UpdateMetrics
{
    public long Update { get; init; }
    public long GlobalStep { get; init; }
    /// <summary>Mean return of the episodes that ended during the rollout (NaN when none ended).</summary>
    public double EpisodicReturn { get; init; }
    /// <summary>Fraction of those episodes that achieved the base objective.</summary>
    public double SuccessRate { get; init; }
    public double EpisodeLength { get; init; }
    public int Episodes { get; init; }
    public double PolicyLoss { get; init; }
    public double ValueLoss { get; init; }
    public double Entropy { get; init; }
    public double ApproxKl { get; init; }
    public double Clipfrac { get; init; }
    public double ExplainedVariance { get; init; }
    public double LearningRate { get; init; }
    /// <summary>Environment steps per second over this update (rollout and optimisation).</summary>
    public double Sps { get; init; }
    /// <summary>Unweighted loss of the transparency probe (NaN when <c>transparency.aux</c> is none).</summary>
    public double AuxLoss { get; init; } = double.NaN;
    /// <summary>Accuracy of the transparency probe on its minibatches, before each step (NaN when off).</summary>
    public double AuxAccuracy { get; init; } = double.NaN;
    /// <summary>Questions the overseer has answered since the run began (NaN when training on the world's reward).</summary>
    public double OverseerQueries { get; init; } = double.NaN;
    /// <summary>Amplification: calls to copies of the model the overseer's answers have used since the run began (NaN otherwise).</summary>
    public double ModelQueries { get; init; } = double.NaN;
    /// <summary>Level replay: episodes whose level was scored during this update (NaN without a curriculum).</summary>
    public double LevelsScored { get; init; } = double.NaN;
    /// <summary>Level replay: seconds spent scoring levels during this update.</summary>
    public double ScoreSeconds { get; init; } = double.NaN;
    /// <summary>Level replay: share of the episodes begun during this update that replay a buffered level.</summary>
    public double ReplayedShare { get; init; } = double.NaN;
    /// <summary>Level replay: share of the buffered levels generated as disambiguating (the proxy moved off the goal).</summary>
    public double BufferDisambiguating { get; init; } = double.NaN;

    /// <summary>The metrics by their names (the one vocabulary of the run store, progress lines and reports).</summary>
    public IReadOnlyList<(string Name, double Value)> Named() =>
    [
        ("episodic_return", EpisodicReturn), ("success_rate", SuccessRate), ("episode_length", EpisodeLength),
        ("policy_loss", PolicyLoss), ("value_loss", ValueLoss), ("entropy", Entropy), ("approx_kl", ApproxKl),
        ("clipfrac", Clipfrac), ("explained_variance", ExplainedVariance), ("learning_rate", LearningRate), ("sps", Sps),
        .. double.IsNaN(AuxLoss) ? Array.Empty<(string, double)>() : [("aux_loss", AuxLoss), ("aux_accuracy", AuxAccuracy)],
        .. double.IsNaN(OverseerQueries) ? Array.Empty<(string, double)>() : [("overseer_queries", OverseerQueries)],
        .. double.IsNaN(ModelQueries) ? Array.Empty<(string, double)>() : [("model_queries", ModelQueries)],
        .. double.IsNaN(LevelsScored) ? Array.Empty<(string, double)>()
            : [("levels_scored", LevelsScored), ("score_seconds", ScoreSeconds), ("replayed_share", ReplayedShare), ("buffer_disambiguating", BufferDisambiguating)],
    ];
}

/// <summary>
/// A PPO learner over one training split: owns the network, the optimizer, the vectorized worlds and the
/// rollout buffers. <see cref="Train"/> runs one rollout and one update. Everything is a function of
/// (seed, settings, thread count); <see cref="CaptureState"/> / <see cref="RestoreState"/> make runs resumable.
/// </summary>
public sealed class Ppo : IDisposable
{
    private const ulong SamplerStream = 0x5EED_AC71_0000_0001UL;

    public PpoSettings Settings { get; }
    public Split Split { get; }
    public ulong Seed { get; }
    public Device Device { get; }
    public ActorCritic Network { get; }

    /// <summary>Adam over the network's parameters (every scalar operand kept alive across its native calls; see <see cref="ScalarSafeAdam"/>).</summary>
    public ScalarSafeAdam Optimizer { get; }
    public WorldBatch Batch { get; }

    /// <summary>Training with transparency (<c>transparency.aux</c>); none unless configured.</summary>
    public TransparencyTrainingSettings Transparency { get; }

    /// <summary>The auxiliary loss added to PPO's in every minibatch (null for plain PPO).</summary>
    public IAuxiliaryLoss? Auxiliary { get; }

    /// <summary>Which levels training plays (<c>curriculum.kind</c>); none unless configured.</summary>
    public CurriculumSettings CurriculumSettings { get; }

    /// <summary>The level replay buffer (null when every episode takes the next new level).</summary>
    public LevelReplay? Curriculum { get; }

    /// <summary>What training optimizes (<c>signal.kind</c>); the world's reward unless configured.</summary>
    public SignalSettings SignalSettings { get; }

    /// <summary>The reward PPO optimizes instead of the world's (null: the world's).</summary>
    public TrainingSignal? Signal { get; }

    /// <summary>Updates completed.</summary>
    public long Update { get; private set; }

    /// <summary>Environment steps taken.</summary>
    public long GlobalStep { get; private set; }

    /// <summary>Updates the budget allows (total_steps / batch size, at least one).</summary>
    public long TotalUpdates => Math.Max(1, Settings.TotalSteps / Settings.BatchSize);

    public bool Finished => Update >= TotalUpdates;

    /// <summary>
    /// True when rollouts and updates run the fused C# passes of <see cref="FusedMazeNetwork"/> instead of libtorch's
    /// autograd (the maze network without a recurrent core or an auxiliary loss, on the CPU).
    /// </summary>
    public bool UsesFusedPath => fusedNetwork is not null;

    /// <summary>Wall-clock seconds the last update spent collecting experience and optimizing (for benchmarks).</summary>
    public double RolloutSeconds { get; private set; }
    public double OptimizeSeconds { get; private set; }

    // ── rollout storage ──────────────────────────────────────────────────────────────────────────────
    private readonly int n, t;                     // instances, steps per rollout
    private readonly CandidateObjective baseObjective;
    private readonly Tensor envObs;                // N×C×H×W on the CPU; the worlds write into its memory
    private readonly Tensor? obsStore;             // T×N×C×H×W on the device (libtorch path)
    private readonly float[] rolloutObs;           // T×N×C×H×W in C# memory (fused path)
    private readonly Tensor stepStarts;            // N: episode-start flags of the current observation (recurrent)
    private readonly long[] actions;
    private readonly float[] logprobs, values, rewards, dones, starts, advantages, returns, nextStart, stepLogp, stepValues;
    private readonly Tensor tActions, tLogprobs, tValues, tAdvantages, tReturns, tStarts, tIndex;
    private readonly long[] perm;
    private readonly Move[] moves;
    private readonly Move[][] history;             // moves of each instance's episode in progress (for exact resume)
    private readonly int[] historyLength;
    private Tensor? state;                         // recurrent state N×core
    private Tensor? rolloutState;                  // recurrent state at the start of the current rollout
    private Rng sampler;
    private readonly FusedMazeNetwork? fusedNetwork;
    // Long-lived Scalars for the libtorch loss, and no tensor '+' (see TorchScalars): a temporary Scalar can be finalized by a
    // garbage collection on another thread while libtorch still reads it.
    private readonly Scalar one, half, clipS, negClipS, lowS, highS, entCoefS, vfCoefS, advEpsS;

    /// <param name="fused">Use the fused C# forward and backward passes where they apply (see <see cref="UsesFusedPath"/>);
    /// false forces libtorch's autograd everywhere (the reference implementation).</param>
    public Ppo(Split split, ulong seed, PpoSettings settings, NetworkSettings network, Device? device = null,
        TransparencyTrainingSettings? transparency = null, bool fused = true, CurriculumSettings? curriculum = null, SignalSettings? signal = null)
    {
        settings.Validate("ppo settings");
        transparency ??= new TransparencyTrainingSettings();
        transparency.Validate("transparency settings");
        Transparency = transparency;
        Settings = settings;
        Split = split;
        Seed = seed;
        Device = device ?? CPU;
        n = settings.NumEnvs;
        t = settings.NumSteps;
        if (network.Recurrent && n % settings.Minibatches != 0)
            throw new UserError($"ppo settings: a recurrent network splits whole instances into minibatches, so ppo.minibatches ({settings.Minibatches}) must divide ppo.num_envs ({n}).");

        CurriculumSettings = curriculum ?? new CurriculumSettings();
        CurriculumSettings.Validate("curriculum settings");
        SignalSettings = signal ?? new SignalSettings();
        SignalSettings.Validate("signal settings");
        // On keys and chests the scorer replays the ended episode: the moves so far and the one just taken.
        if (CurriculumSettings.Enabled)
            Curriculum = new LevelReplay(CurriculumSettings, new RegretScorer(split, settings.Gamma,
                ChestOverseer.Plans(split.World.BaseObjective(split)) ? i => [.. history![i].AsSpan(0, historyLength![i]), moves![i]] : null), seed);
        if (SignalSettings.Enabled) Signal = new TrainingSignal(SignalSettings, split, n, t, seed);
        bool amplification = SignalSettings.Kind == SignalSettings.Amplification;
        if (amplification && transparency.Enabled)
            throw new UserError($"signal.kind is 'amplification' and transparency.aux is '{transparency.Aux}'; both add a loss through the network, so set one of them (transparency.aux: none or another signal.kind).");

        // ── network ──
        Batch = new WorldBatch(split, n, seed, new BatchOptions { EpisodesPerTrial = settings.EpisodesPerTrial, Curriculum = Curriculum });
        baseObjective = split.World.BaseObjective(split);
        int c = Batch.Channels, h = Batch.CanvasHeight, w = Batch.CanvasWidth;
        Network = new ActorCritic(network, c, h, w, seed);
        Network.to(Device);
        Optimizer = new ScalarSafeAdam(Network.parameters(), settings.LearningRate, eps: 1e-5);
        sampler = new Rng(seed ^ SamplerStream);
        if (fused && FusedMazeNetwork.Supports(network, Device, transparency.Enabled || amplification))
            fusedNetwork = new FusedMazeNetwork(Network, h, w, get_num_threads());
        one = 1.0.ToScalar(); half = 0.5.ToScalar();
        clipS = settings.ClipCoef.ToScalar(); negClipS = (-settings.ClipCoef).ToScalar();
        lowS = (1 - settings.ClipCoef).ToScalar(); highS = (1 + settings.ClipCoef).ToScalar();
        entCoefS = settings.EntCoef.ToScalar(); vfCoefS = settings.VfCoef.ToScalar(); advEpsS = 1e-8.ToScalar();

        envObs = zeros(n, c, h, w);
        obsStore = fusedNetwork is null ? zeros(new long[] { t, n, c, h, w }, device: Device) : null;
        rolloutObs = fusedNetwork is null ? [] : new float[t * n * c * h * w];
        stepStarts = zeros(n);
        int b = n * t;
        actions = new long[b];
        logprobs = new float[b]; values = new float[b]; rewards = new float[b]; dones = new float[b];
        starts = new float[b]; advantages = new float[b]; returns = new float[b];
        nextStart = new float[n]; stepLogp = new float[n * Moves.Count]; stepValues = new float[n];
        tActions = zeros(b, dtype: ScalarType.Int64); tLogprobs = zeros(b); tValues = zeros(b);
        tAdvantages = zeros(b); tReturns = zeros(b); tStarts = zeros(b);
        tIndex = zeros(b, dtype: ScalarType.Int64);
        perm = new long[b];
        moves = new Move[n];
        history = new Move[n][];
        historyLength = new int[n];
        for (int i = 0; i < n; i++) history[i] = new Move[64];
        Array.Fill(nextStart, 1f);
        foreach (var x in new[] { envObs, obsStore, stepStarts, tActions, tLogprobs, tValues, tAdvantages, tReturns, tStarts, tIndex }) x?.DetachFromDisposeScope();
        Batch.Reset(EnvObservations);
        state = Network.InitialState(n, Device)?.DetachFromDisposeScope();
        // Built last, so plain PPO draws from torch's generator exactly as it would without this option.
        if (transparency.Enabled) Auxiliary = new AuxiliaryProbeLoss(transparency, split, Network, envObs, b, seed, Device);
        else if (amplification) Auxiliary = new AmplificationLoss(SignalSettings, Signal!, split, Network, envObs, n, b, settings.Gamma, Device);
    }

    /// <summary>The worlds' observation buffer: the float memory of <see cref="envObs"/> itself (no copy).</summary>
    private Span<float> EnvObservations => MemoryMarshal.Cast<byte, float>(envObs.bytes);

    /// <summary>One rollout of num_steps in every instance, then epochs × minibatches of PPO updates.</summary>
    public UpdateMetrics Train()
    {
        var clock = Stopwatch.StartNew();
        RolloutSeconds = 0;
        double lr = Settings.AnnealLr ? Settings.LearningRate * (1.0 - (double)Update / TotalUpdates) : Settings.LearningRate;
        Optimizer.LearningRate = lr;

        var episodes = Rollout();
        double explained = ComputeAdvantages();
        RolloutSeconds += clock.Elapsed.TotalSeconds;
        var losses = Optimize();
        OptimizeSeconds = clock.Elapsed.TotalSeconds - RolloutSeconds;

        Update++;
        GlobalStep += Settings.BatchSize;
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        var replay = Curriculum?.TakeCounters();
        return new UpdateMetrics
        {
            Update = Update,
            GlobalStep = GlobalStep,
            EpisodicReturn = episodes.Count > 0 ? episodes.Return / episodes.Count : double.NaN,
            SuccessRate = episodes.Count > 0 ? (double)episodes.Successes / episodes.Count : double.NaN,
            EpisodeLength = episodes.Count > 0 ? (double)episodes.Length / episodes.Count : double.NaN,
            Episodes = episodes.Count,
            PolicyLoss = losses.Policy,
            ValueLoss = losses.Value,
            Entropy = losses.Entropy,
            ApproxKl = losses.ApproxKl,
            Clipfrac = losses.Clipfrac,
            AuxLoss = losses.AuxLoss,
            AuxAccuracy = losses.AuxAccuracy,
            ExplainedVariance = explained,
            LearningRate = lr,
            Sps = Settings.BatchSize / seconds,
            OverseerQueries = Signal is null ? double.NaN : Signal.Queries,
            ModelQueries = Signal is { Kind: SignalSettings.Amplification } ? Signal.ModelQueries : double.NaN,
            LevelsScored = replay is { } r0 ? r0.Scored : double.NaN,
            ScoreSeconds = replay is { } r1 ? r1.ScoreSeconds : double.NaN,
            ReplayedShare = replay is { } r2 ? (r2.Replayed + r2.Fresh > 0 ? (double)r2.Replayed / (r2.Replayed + r2.Fresh) : double.NaN) : double.NaN,
            BufferDisambiguating = Curriculum?.DisambiguatingShare ?? double.NaN,
        };
    }

    // ── rollout ──────────────────────────────────────────────────────────────────────────────────────

    private record struct EpisodeTally(int Count, int Successes, double Return, long Length);

    private EpisodeTally Rollout()
    {
        var tally = new EpisodeTally();
        Network.eval();
        if (state is not null) Replace(ref rolloutState, state.clone().DetachFromDisposeScope());
        using var noGrad = no_grad();
        fusedNetwork?.Refresh();
        for (int step = 0; step < t; step++)
        {
            using var scope = NewDisposeScope();
            int row = step * n;
            nextStart.AsSpan().CopyTo(starts.AsSpan(row, n));
            if (fusedNetwork is not null)
            {
                var observations = rolloutObs.AsSpan(row * Batch.ObservationSize, n * Batch.ObservationSize);
                EnvObservations.CopyTo(observations);
                fusedNetwork.Forward(observations, n, stepLogp, stepValues);
            }
            else
            {
                obsStore![step].copy_(envObs);
                Tensor input = Device.type == DeviceType.CPU ? envObs : envObs.to(Device);
                Tensor? startFlags = null;
                if (state is not null)
                {
                    MemoryMarshal.AsBytes(nextStart.AsSpan()).CopyTo(stepStarts.bytes);
                    startFlags = Device.type == DeviceType.CPU ? stepStarts : stepStarts.to(Device);
                }
                var (logits, v, next) = Network.Forward(input, state, startFlags);
                if (next is not null) { next.DetachFromDisposeScope(); Replace(ref state, next); }
                ReadFloats(nn.functional.log_softmax(logits, 1), stepLogp);
                ReadFloats(v, stepValues);
            }

            for (int i = 0; i < n; i++)
            {
                int a = Sample(stepLogp.AsSpan(i * Moves.Count, Moves.Count), ref sampler);
                actions[row + i] = a;
                logprobs[row + i] = stepLogp[i * Moves.Count + a];
                values[row + i] = stepValues[i];
                moves[i] = (Move)a;
            }
            Auxiliary?.Record(Batch, row);
            Signal?.Record(Batch, moves, row);
            Batch.Step(moves, EnvObservations);
            for (int i = 0; i < n; i++)
            {
                rewards[row + i] = Batch.Rewards[i];
                bool ended = Batch.Terminated[i] || Batch.Truncated[i];
                // Truncation is treated as termination (as CleanRL does): the final observation is gone after auto-reset.
                dones[row + i] = ended ? 1f : 0f;
                // The core forgets only when a new level (trial) begins.
                nextStart[i] = ended && Batch.EpisodeInTrial[i] == 0 ? 1f : 0f;
                if (ended)
                {
                    historyLength[i] = 0;
                    tally.Count++;
                    tally.Return += Batch.FinalReturn[i];
                    tally.Length += Batch.FinalLength[i];
                    if ((Batch.FinalEvents[i] & baseObjective.Event) != 0) tally.Successes++;
                }
                else
                {
                    if (historyLength[i] == history[i].Length) Array.Resize(ref history[i], history[i].Length * 2);
                    history[i][historyLength[i]++] = moves[i];
                }
            }
        }
        Signal?.Finish(rewards, Update, TotalUpdates);
        return tally;
    }

    /// <summary>Samples an action index from log-probabilities with the learner's own generator (deterministic).</summary>
    internal static int Sample(ReadOnlySpan<float> logp, ref Rng rng)
    {
        double u = rng.NextDouble(), cum = 0;
        for (int a = 0; a < logp.Length - 1; a++)
        {
            cum += Math.Exp(logp[a]);
            if (u < cum) return a;
        }
        return logp.Length - 1;
    }

    // ── advantages ───────────────────────────────────────────────────────────────────────────────────

    private double ComputeAdvantages()
    {
        if (fusedNetwork is not null) fusedNetwork.Forward(EnvObservations, n, stepLogp, stepValues);
        else
        using (no_grad())
        using (NewDisposeScope())
        {
            Tensor? startFlags = null;
            if (state is not null)
            {
                MemoryMarshal.AsBytes(nextStart.AsSpan()).CopyTo(stepStarts.bytes);
                startFlags = Device.type == DeviceType.CPU ? stepStarts : stepStarts.to(Device);
            }
            var (_, v, _) = Network.Forward(Device.type == DeviceType.CPU ? envObs : envObs.to(Device), state, startFlags);
            ReadFloats(v, stepValues);
        }
        Gae(rewards, values, dones, stepValues, n, (float)Settings.Gamma, (float)Settings.GaeLambda, advantages);
        if (Auxiliary is AmplificationLoss amplified)
        {
            // Pure distillation: no policy-gradient term; the value head learns the amplified overseer's value answers.
            Array.Clear(advantages);
            amplified.ValueTargets.CopyTo(returns);
            return ExplainedVariance(values, returns);
        }
        for (int i = 0; i < returns.Length; i++) returns[i] = advantages[i] + values[i];
        return ExplainedVariance(values, returns);
    }

    /// <summary>
    /// Generalized advantage estimation over a time-major rollout of <paramref name="envs"/> instances.
    /// <paramref name="dones"/>[t·N+i] is 1 when the episode ended with step t; <paramref name="nextValues"/>
    /// are the values of the observations after the last step.
    /// </summary>
    public static void Gae(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> dones,
        ReadOnlySpan<float> nextValues, int envs, float gamma, float lambda, Span<float> advantages)
    {
        int steps = rewards.Length / envs;
        for (int i = 0; i < envs; i++)
        {
            float last = 0;
            for (int s = steps - 1; s >= 0; s--)
            {
                int k = s * envs + i;
                float nonTerminal = 1f - dones[k];
                float next = s == steps - 1 ? nextValues[i] : values[k + envs];
                float delta = rewards[k] + gamma * next * nonTerminal - values[k];
                last = delta + gamma * lambda * nonTerminal * last;
                advantages[k] = last;
            }
        }
    }

    /// <summary>1 − Var(returns − values) / Var(returns); NaN when the returns do not vary.</summary>
    public static double ExplainedVariance(ReadOnlySpan<float> values, ReadOnlySpan<float> returns)
    {
        double my = 0, md = 0;
        for (int i = 0; i < returns.Length; i++) { my += returns[i]; md += returns[i] - values[i]; }
        my /= returns.Length; md /= returns.Length;
        double vy = 0, vd = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            double y = returns[i] - my, d = returns[i] - values[i] - md;
            vy += y * y; vd += d * d;
        }
        return vy == 0 ? double.NaN : 1 - vd / vy;
    }

    // ── update ───────────────────────────────────────────────────────────────────────────────────────

    private record struct Losses(double Policy, double Value, double Entropy, double ApproxKl, double Clipfrac, double AuxLoss, double AuxAccuracy);

    private Losses Optimize()
    {
        if (fusedNetwork is not null) return OptimizeFused();
        Network.train();
        Write(actions, tActions); Write(logprobs, tLogprobs); Write(values, tValues);
        Write(advantages, tAdvantages); Write(returns, tReturns); Write(starts, tStarts);
        bool recurrent = Network.IsRecurrent;
        int units = recurrent ? n : n * t;            // what a minibatch is made of: instances or transitions
        int perMb = units / Settings.Minibatches;
        double pg = 0, vl = 0, ent = 0, kl = 0, cf = 0;
        int count = 0;
        var shape = obsStore!.shape;
        for (int epoch = 0; epoch < Settings.Epochs; epoch++)
        {
            for (int i = 0; i < units; i++) perm[i] = i;
            for (int i = units - 1; i > 0; i--) { int j = sampler.Next(i + 1); (perm[i], perm[j]) = (perm[j], perm[i]); }
            MemoryMarshal.AsBytes(perm.AsSpan(0, units)).CopyTo(tIndex.bytes);
            bool stop = false;
            for (int m = 0; m < Settings.Minibatches; m++)
            {
                using var scope = NewDisposeScope();
                var idx = tIndex.narrow(0, m * perMb, perMb).to(Device);
                Tensor logits, newValue, act, oldLogp, adv, ret, oldValue;
                Tensor? minibatchObs = null;
                if (recurrent)
                {
                    // Whole instances, all T steps, replayed through the core in time order.
                    Tensor Pick(Tensor flat) => flat.to(Device).view(t, n).index_select(1, idx).reshape(-1);
                    var obs = obsStore.index_select(1, idx).reshape(t * perMb, shape[2], shape[3], shape[4]);
                    var st = rolloutState!.index_select(0, idx);
                    (logits, newValue) = Network.ForwardSequence(obs, st, Pick(tStarts).view(t, perMb));
                    act = Pick(tActions); oldLogp = Pick(tLogprobs); adv = Pick(tAdvantages); ret = Pick(tReturns); oldValue = Pick(tValues);
                }
                else
                {
                    var obs = obsStore.view(t * n, shape[2], shape[3], shape[4]).index_select(0, idx);
                    (logits, newValue, _) = Network.Forward(obs);
                    minibatchObs = obs;
                    Tensor Pick(Tensor flat) => flat.to(Device).index_select(0, idx);
                    act = Pick(tActions); oldLogp = Pick(tLogprobs); adv = Pick(tAdvantages); ret = Pick(tReturns); oldValue = Pick(tValues);
                }
                var logpAll = nn.functional.log_softmax(logits, 1);
                var newLogp = logpAll.gather(1, act.unsqueeze(1)).squeeze(1);
                var entropy = -(logpAll.exp() * logpAll).sum(1).mean();
                var logRatio = newLogp - oldLogp;
                var ratio = logRatio.exp();
                Tensor approxKl, clipfrac;
                using (no_grad())
                {
                    approxKl = ((ratio - one) - logRatio).mean();
                    clipfrac = ((ratio - one).abs() > clipS).to(ScalarType.Float32).mean();
                }
                if (Settings.NormalizeAdvantages) adv = (adv - adv.mean()) / TorchScalars.Plus(adv.std(), advEpsS);
                var policyLoss = max(-adv * ratio, -adv * ratio.clamp(lowS, highS)).mean();
                Tensor valueLoss;
                if (Settings.ClipValueLoss)
                {
                    var clipped = TorchScalars.Plus(oldValue, (newValue - oldValue).clamp(negClipS, clipS));
                    // d · d rather than square(): TorchSharp's square() is pow with a temporary Scalar 2.
                    var d = newValue - ret;
                    var dc = clipped - ret;
                    valueLoss = max(d * d, dc * dc).mean() * half;
                }
                else
                {
                    var d = newValue - ret;
                    valueLoss = (d * d).mean() * half;
                }
                var loss = TorchScalars.Plus(policyLoss - entropy * entCoefS, valueLoss * vfCoefS);
                // Training with transparency: the probe's term joins the loss (the network is feed-forward, see AuxiliaryProbeLoss).
                if (Auxiliary is not null) loss = TorchScalars.Plus(loss, Auxiliary.Loss(Network, minibatchObs!, idx));

                Network.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(Network.parameters(), Settings.MaxGradNorm);
                Optimizer.Step();
                Auxiliary?.AfterStep();

                pg += policyLoss.item<float>(); vl += valueLoss.item<float>(); ent += entropy.item<float>();
                double k = approxKl.item<float>();
                kl += k; cf += clipfrac.item<float>();
                count++;
                if (Settings.TargetKl is { } target && k > target) { stop = true; break; }
            }
            if (stop) break;
        }
        var (auxLoss, auxAccuracy) = Auxiliary?.TakeMetrics() ?? (double.NaN, double.NaN);
        GC.KeepAlive(this);   // the Scalar fields above must outlive the last native call that reads them
        return new Losses(pg / count, vl / count, ent / count, kl / count, cf / count, auxLoss, auxAccuracy);
    }

    /// <summary>The same update through <see cref="FusedMazeNetwork"/>: loss and gradient in C#, the step by the same Adam.</summary>
    private Losses OptimizeFused()
    {
        int units = n * t, perMb = units / Settings.Minibatches;
        double pg = 0, vl = 0, ent = 0, kl = 0, cf = 0;
        int count = 0;
        for (int epoch = 0; epoch < Settings.Epochs; epoch++)
        {
            for (int i = 0; i < units; i++) perm[i] = i;
            for (int i = units - 1; i > 0; i--) { int j = sampler.Next(i + 1); (perm[i], perm[j]) = (perm[j], perm[i]); }
            bool stop = false;
            for (int m = 0; m < Settings.Minibatches; m++)
            {
                fusedNetwork!.Refresh();
                var l = fusedNetwork.Backward(new FusedMazeNetwork.Minibatch
                {
                    Observations = rolloutObs, Indices = perm.AsSpan(m * perMb, perMb), Actions = actions,
                    OldLogProbs = logprobs, OldValues = values, Advantages = advantages, Returns = returns,
                }, Settings);
                Optimizer.Step(fusedNetwork.GradientData);
                pg += l.Policy; vl += l.Value; ent += l.Entropy; kl += l.ApproxKl; cf += l.Clipfrac;
                count++;
                if (Settings.TargetKl is { } target && l.ApproxKl > target) { stop = true; break; }
            }
            if (stop) break;
        }
        return new Losses(pg / count, vl / count, ent / count, kl / count, cf / count, double.NaN, double.NaN);
    }

    // ── state for checkpoints ────────────────────────────────────────────────────────────────────────

    /// <summary>Everything besides the weights and optimizer needed to continue exactly where this learner stands.</summary>
    public LearnerState CaptureState()
    {
        var levels = new long[n];
        var episodeMoves = new byte[n][];
        for (int i = 0; i < n; i++)
        {
            levels[i] = Batch.EpisodeLevelIndex[i];
            episodeMoves[i] = MemoryMarshal.AsBytes(history[i].AsSpan(0, historyLength[i])).ToArray();
        }
        float[]? core = null;
        if (state is not null)
        {
            core = new float[state.NumberOfElements];
            using var cpu = state.cpu();
            MemoryMarshal.Cast<byte, float>(cpu.bytes).CopyTo(core);
        }
        return new LearnerState
        {
            Update = Update,
            GlobalStep = GlobalStep,
            Sampler = Convert.ToBase64String(MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref sampler, 1))),
            NextLevel = Batch.NextLevel,
            EpisodeLevels = levels,
            EpisodeMoves = episodeMoves.Select(Convert.ToBase64String).ToArray(),
            EpisodeStart = [.. nextStart],
            EpisodeInTrial = [.. Batch.EpisodeInTrial],
            CoreState = core,
            Curriculum = Curriculum?.SaveState(),
            Signal = Signal?.SaveState(),
        };
    }

    /// <summary>Puts the worlds, counters and generators back where <see cref="CaptureState"/> found them.</summary>
    public void RestoreState(LearnerState s)
    {
        if (s.EpisodeLevels.Length != n || s.EpisodeMoves.Length != n || s.EpisodeStart.Length != n)
            throw new UserError($"the checkpoint holds {s.EpisodeLevels.Length} level instances, but ppo.num_envs is {n}; resume with the checkpoint's own settings.");
        Update = s.Update;
        GlobalStep = s.GlobalStep;
        var rngBytes = Convert.FromBase64String(s.Sampler);
        if (rngBytes.Length != Marshal.SizeOf<Rng>()) throw new UserError("the checkpoint's sampler state has the wrong size; the file is from another MesaLab version.");
        sampler = MemoryMarshal.Read<Rng>(rngBytes);
        var obs = EnvObservations;
        for (int i = 0; i < n; i++)
        {
            var m = MemoryMarshal.Cast<byte, Move>(Convert.FromBase64String(s.EpisodeMoves[i]).AsSpan());
            Batch.ReplayInstance(i, s.EpisodeLevels[i], m, obs);
            while (history[i].Length < m.Length) Array.Resize(ref history[i], history[i].Length * 2);
            m.CopyTo(history[i]);
            historyLength[i] = m.Length;
        }
        Batch.NextLevel = s.NextLevel;
        s.EpisodeStart.CopyTo(nextStart, 0);
        if (s.EpisodeInTrial.Length == n) s.EpisodeInTrial.CopyTo(Batch.EpisodeInTrial, 0);
        if (Curriculum is not null)
            Curriculum.LoadState(s.Curriculum ?? throw new UserError("the checkpoint holds no level replay buffer, but the run trains with curriculum.kind regret_replay; it cannot be resumed exactly."));
        if (Signal is not null)
            Signal.LoadState(s.Signal ?? throw new UserError($"the checkpoint holds no state of its training signal ({Signal.Kind}); it cannot be resumed exactly."));
        if (s.CoreState is { } core && state is not null)
        {
            using var cpu = tensor(core, state.shape);
            using (no_grad()) state.copy_(cpu);
        }
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────

    private static void ReadFloats(Tensor source, float[] target)
    {
        if (source.device_type != DeviceType.CPU) source = source.cpu();
        MemoryMarshal.Cast<byte, float>(source.contiguous().bytes)[..target.Length].CopyTo(target);
    }

    private static void Write<T>(T[] source, Tensor target) where T : unmanaged =>
        MemoryMarshal.AsBytes(source.AsSpan()).CopyTo(target.bytes);

    private static void Replace(ref Tensor? slot, Tensor value)
    {
        slot?.Dispose();
        slot = value;
    }

    public void Dispose()
    {
        foreach (var x in new[] { envObs, obsStore, stepStarts, tActions, tLogprobs, tValues, tAdvantages, tReturns, tStarts, tIndex }) x?.Dispose();
        foreach (var x in new[] { one, half, clipS, negClipS, lowS, highS, entCoefS, vfCoefS, advEpsS }) x.Dispose();
        fusedNetwork?.Dispose();
        state?.Dispose();
        rolloutState?.Dispose();
        Auxiliary?.Dispose();
        Optimizer.Dispose();
        Network.Dispose();
    }
}

/// <summary>The learner's counters, generators and episodes in progress, as saved in a checkpoint.</summary>
public sealed record LearnerState
{
    public long Update { get; init; }
    public long GlobalStep { get; init; }
    /// <summary>The action/minibatch sampler's generator state (base64 of its four words).</summary>
    public string Sampler { get; init; } = "";
    /// <summary>The level index the worlds hand out next.</summary>
    public long NextLevel { get; init; }
    /// <summary>Per instance: the level of its episode in progress and the moves taken so far (base64 bytes).</summary>
    public long[] EpisodeLevels { get; init; } = [];
    public string[] EpisodeMoves { get; init; } = [];
    public float[] EpisodeStart { get; init; } = [];
    /// <summary>Per instance: episodes of its current trial already finished (empty in checkpoints of runs without trials).</summary>
    public int[] EpisodeInTrial { get; init; } = [];
    /// <summary>Recurrent core state, N × core, row-major (null without a core).</summary>
    public float[]? CoreState { get; init; }
    /// <summary>The level replay buffer (null without a curriculum).</summary>
    public LevelReplayState? Curriculum { get; init; }
    /// <summary>The training signal's state as JSON (null on the world's reward).</summary>
    public string? Signal { get; init; }
}
