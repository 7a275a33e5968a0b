namespace MesaLab.Learning;

using System.Runtime.InteropServices;
using System.Text.Json;
using MesaLab.Worlds;

/// <summary>What a training signal is at the end of training, stored with the run (result kind <c>training.signal</c>).</summary>
/// <param name="Kind">world, approval or reward_model.</param>
/// <param name="Features">The reward model's features (empty otherwise).</param>
/// <param name="Weights">The reward model's fitted weights, in feature order (empty otherwise).</param>
/// <param name="OverseerQueries">Questions the overseer answered: approvals (one per step) or preference comparisons.</param>
/// <param name="Gamma">The discount training used (what the signal is optimized with).</param>
/// <param name="ModelQueries">Amplification: calls to copies of the model the overseer's answers used (0 otherwise).</param>
public sealed record SignalSummary(string Kind, IReadOnlyList<string> Features, IReadOnlyList<double> Weights, long OverseerQueries, int Rounds, double Gamma,
    long ModelQueries = 0);

/// <summary>A reward model's training data and state, for checkpoints.</summary>
public sealed record SignalState
{
    public double[] Weights { get; init; } = [];
    public double[][] Differences { get; init; } = [];
    public bool[] Answers { get; init; } = [];
    public int Rounds { get; init; }
    public long Queries { get; init; }
    public long ModelQueries { get; init; }
    public string Rng { get; init; } = "";
}

/// <summary>
/// The reward PPO optimizes when it is not the world's (<see cref="SignalSettings"/>): recorded for every transition of
/// a rollout before the worlds step (<see cref="Record"/>), written into the rollout's rewards once it is complete
/// (<see cref="Finish"/>). The approval overseer answers one question per step. The reward model keeps each
/// transition's features and the overseer's hidden score; in a feedback round it asks the overseer to compare random
/// pairs of segments (consecutive steps of one instance), flips each answer with the noise rate, refits the
/// Bradley–Terry model on every answer so far, and pays w·φ with w scaled to max |wₖ| = 1 (the scale of a
/// Bradley–Terry fit carries the noise, not the objective). Amplification pays nothing (its policy learns by imitation,
/// <see cref="AmplificationLoss"/>); the signal only counts the amplified overseer's answers and model calls.
/// On keys and chests (chests opened with keys) approval and the reward model's features and overseer score are
/// computed per step from the live state (<see cref="ChestOverseer"/>, <see cref="ChestFeatures"/>), since what is
/// left and the keys held change during an episode; amplification's overseer walks its copies of the model in clones
/// of the visited states (<see cref="ChestAmplifier"/>).
/// </summary>
public sealed class TrainingSignal
{
    private const ulong QueryStream = 0x0F5E_EA00_0000_0004UL;

    private readonly SignalSettings settings;
    private readonly CandidateObjective intended;
    private readonly TransitionFeatures? features;
    private readonly bool rewardModel;
    private readonly bool collected;   // chests opened with keys: the overseer plans with ChestOverseer, per step from the live state
    private int[] distance = new int[64], queue = new int[64];
    private readonly int k, steps;
    private readonly long[] tableLevel;
    private readonly double[][] table;      // approval: r(cell, move); reward model: φ(cell, move)
    private readonly double[][] overseerTable;
    private readonly float[] recorded;      // approval: rewards of the rollout
    private readonly double[] phi;          // reward model: features of the rollout's transitions
    private readonly double[] hidden;       // reward model: the overseer's score of each transition
    private readonly List<double[]> differences = [];
    private readonly List<bool> answers = [];
    private double[] weights;
    private int rounds;
    private Rng rng;

    public TrainingSignal(SignalSettings settings, Split split, int instances, int steps, ulong seed)
    {
        settings.Validate("signal settings");
        if (!settings.Enabled) throw new ArgumentException("signal.kind is world: PPO uses the world's reward.", nameof(settings));
        this.settings = settings;
        this.steps = steps;
        intended = split.World.IntendedObjective(split);
        collected = ChestOverseer.Plans(intended);
        if (!collected && (intended.Kind != ObjectiveKind.Reach || intended.Object == CellObject.None))
            throw new UserError($"signal.kind is '{settings.Kind}', but the intended objective of world '{split.World.Name}' ('{intended.Name}') is neither one goal cell marked by an object nor chests opened with keys; use signal.kind: world for this world.");
        int b = instances * steps;
        tableLevel = new long[instances];
        Array.Fill(tableLevel, long.MinValue);
        table = new double[instances][];
        overseerTable = new double[instances][];
        if (settings.Kind == SignalSettings.RewardModel)
        {
            features = collected ? null : new TransitionFeatures(split.World);
            k = collected ? ChestFeatures.Count : features!.Count;
            rewardModel = true;
            phi = new double[b * k];
            hidden = new double[b];
            recorded = [];
        }
        else
        {
            phi = [];
            hidden = [];
            recorded = new float[b];
        }
        weights = new double[k];
        rng = new Rng(seed ^ QueryStream);
    }

    public string Kind => settings.Kind;

    /// <summary>Questions the overseer has answered so far.</summary>
    public long Queries { get; private set; }

    /// <summary>Amplification: calls to copies of the model the overseer's answers have used so far.</summary>
    public long ModelQueries { get; private set; }

    /// <summary>Amplification: counts one answer of the amplified overseer and the model calls it used.</summary>
    internal void CountAmplified(int modelCalls)
    {
        Queries++;
        ModelQueries += modelCalls;
    }

    /// <summary>The reward model's weights now (scaled so the largest magnitude is 1; zero before the first round).</summary>
    public IReadOnlyList<double> Weights => Scaled();

    /// <summary>The signal as a reward on transitions (for planning with it: outer alignment). For amplification it is the
    /// imitation target at its fixed point (a model that already follows the overseer's route): the overseer's shortest
    /// route to the exit, as approval with γ = 0.</summary>
    public TransitionReward Reward => collected
        ? throw new InvalidOperationException("on keys and chests the signal depends on the keys held and the objects left; plan it as a ChestSignal with ChestPlanningAgent.")
        : features is null ? new ApprovalReward(intended) : new LinearFeatureReward(features, Scaled());

    public SignalSummary Summary(double gamma) =>
        new(settings.Kind, rewardModel ? features?.Names ?? ChestFeatures.Names : [], rewardModel ? Scaled() : [], Queries, rounds, gamma, ModelQueries);

    /// <summary>Records transitions <c>row … row + batch.Count − 1</c> (the moves about to be taken) before the worlds step.</summary>
    public void Record(WorldBatch batch, ReadOnlySpan<Move> moves, int row)
    {
        if (settings.Kind == SignalSettings.Amplification) return;
        if (collected)
        {
            RecordCollected(batch, moves, row);
            return;
        }
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            if (tableLevel[i] != batch.EpisodeLevelIndex[i] || batch.StepCount[i] == 0)
            {
                if (features is null) table[i] = new ApprovalReward(intended).Table(level);
                else
                {
                    table[i] = features.Table(level);
                    overseerTable[i] = LinearFeatureReward.Overseer(features, intended).Table(level);
                }
                tableLevel[i] = batch.EpisodeLevelIndex[i];
            }
            int t = batch.AgentCell[i] * Moves.Count + (int)moves[i];
            if (features is null)
            {
                recorded[row + i] = (float)table[i][t];
                Queries++;
            }
            else
            {
                Array.Copy(table[i], t * k, phi, (row + i) * k, k);
                hidden[row + i] = overseerTable[i][t];
            }
        }
    }

    /// <summary>Keys and chests: the overseer's approval, or the features and its hidden score, from each instance's live state.</summary>
    private void RecordCollected(WorldBatch batch, ReadOnlySpan<Move> moves, int row)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            if (distance.Length < level.CellCount) { distance = new int[level.CellCount]; queue = new int[level.CellCount]; }
            var objects = batch.LiveObjects(i);
            int cell = batch.AgentCell[i], keys = batch.KeysHeld[i];
            if (!rewardModel)
            {
                recorded[row + i] = ChestOverseer.Approves(level, objects, cell, keys, moves[i], distance, queue) ? 1 : 0;
                Queries++;
            }
            else
            {
                ChestFeatures.Fill(level, objects, cell, keys, moves[i], phi.AsSpan((row + i) * k, k), distance, queue);
                hidden[row + i] = ChestFeatures.OverseerScore(level, objects, cell, keys, moves[i], distance, queue);
            }
        }
    }

    /// <summary>Writes the rollout's rewards (time-major, <c>steps × instances</c>), after a feedback round when one is due.</summary>
    public void Finish(Span<float> rewards, long update, long totalUpdates)
    {
        if (!rewardModel)
        {
            recorded.AsSpan().CopyTo(rewards);
            return;
        }
        if (rounds < settings.Rounds && update >= (long)Math.Floor((double)rounds * totalUpdates / settings.Rounds)) Round(rewards.Length / steps);
        var w = Scaled();
        for (int t = 0; t < rewards.Length; t++)
        {
            double r = 0;
            for (int j = 0; j < k; j++) r += w[j] * phi[t * k + j];
            rewards[t] = (float)r;
        }
    }

    /// <summary>One round of feedback on this rollout's segments, then a refit on every answer so far.</summary>
    private void Round(int instances)
    {
        int length = Math.Min(settings.SegmentLength, steps);
        (double[] Sum, double Score) Segment()
        {
            int i = rng.Next(instances), s = rng.Next(steps - length + 1);
            var sum = new double[k];
            double score = 0;
            for (int u = s; u < s + length; u++)
            {
                int t = u * instances + i;
                for (int j = 0; j < k; j++) sum[j] += phi[t * k + j];
                score += hidden[t];
            }
            return (sum, score);
        }
        for (int q = 0; q < settings.QueriesPerRound; q++)
        {
            var (a, sa) = Segment();
            var (b, sb) = Segment();
            bool first = sa > sb || (sa == sb && rng.NextDouble() < 0.5);
            if (rng.NextDouble() < settings.NoiseRate) first = !first;
            differences.Add([.. a.Zip(b, (x, y) => x - y)]);
            answers.Add(first);
            Queries++;
        }
        weights = PreferenceModel.Fit(differences, answers, k, settings.L2);
        rounds++;
    }

    private double[] Scaled()
    {
        double top = weights.Length == 0 ? 0 : weights.Max(Math.Abs);
        return top > 0 ? [.. weights.Select(w => w / top)] : [.. weights];
    }

    public string SaveState() => JsonSerializer.Serialize(new SignalState
    {
        Weights = weights,
        Differences = [.. differences],
        Answers = [.. answers],
        Rounds = rounds,
        Queries = Queries,
        ModelQueries = ModelQueries,
        Rng = Convert.ToBase64String(MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref rng, 1))),
    }, MesaLabJson.Compact);

    public void LoadState(string json)
    {
        var s = JsonSerializer.Deserialize<SignalState>(json, MesaLabJson.Compact) ?? throw new UserError("the checkpoint's signal state is empty.");
        weights = s.Weights;
        differences.Clear(); differences.AddRange(s.Differences);
        answers.Clear(); answers.AddRange(s.Answers);
        rounds = s.Rounds;
        Queries = s.Queries;
        ModelQueries = s.ModelQueries;
        rng = MemoryMarshal.Read<Rng>(Convert.FromBase64String(s.Rng));
    }
}
