namespace MesaLab.Quantilizers;

using MesaLab.Worlds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>Settings of behaviour cloning from the demonstrator.</summary>
/// <param name="Levels">Training levels (distinct indices from the evaluation levels).</param>
/// <param name="EpisodesPerLevel">Demonstrations recorded per training level.</param>
/// <param name="Radius">The network sees a (2r+1)² window around the agent plus the goal's direction.</param>
/// <param name="Hidden">Width of the two hidden layers of the MLP.</param>
/// <param name="Epochs">Passes over the demonstrations.</param>
/// <param name="BatchSize">Demonstration steps per Adam update.</param>
/// <param name="LearningRate">Adam step size.</param>
public sealed record BehaviourCloningSettings(
    int Levels = 300, int EpisodesPerLevel = 3, int Radius = 3, int Hidden = 64, int Epochs = 10, int BatchSize = 256, double LearningRate = 3e-3);

/// <summary>What behaviour cloning achieved on held-out levels.</summary>
/// <param name="Demonstrations">(state, move) pairs trained on.</param>
/// <param name="HeldOutStates">Held-out states scored.</param>
/// <param name="ModeAgreement">How often the clone's most likely move is one of the demonstrator's most likely moves.</param>
/// <param name="ModeChance">The same for a uniformly random guess.</param>
/// <param name="SampledAgreement">How often the clone's most likely move equals the move the demonstrator actually took.</param>
/// <param name="FinalLoss">Cross-entropy of the last epoch (nats).</param>
public sealed record CloningReport(int Demonstrations, int HeldOutStates, double ModeAgreement, double ModeChance, double SampledAgreement, double FinalLoss);

/// <summary>A small MLP policy over an egocentric window: walls, flower beds, goal, and the goal's direction.</summary>
public sealed class ClonedPolicyNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> body;

    /// <summary>An MLP whose weights are drawn from its own generator seeded by <paramref name="seed"/> (torch's default initialisation).</summary>
    public ClonedPolicyNetwork(int inputs, int hidden, ulong seed) : base("cloned-policy")
    {
        var rng = new Rng(seed ^ 0xC10E_DB0D_1E5UL);
        Linear[] layers = [nn.Linear(inputs, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, Moves.Count)];
        foreach (var layer in layers) MesaLab.Learning.ParameterInit.Default(layer, ref rng);
        body = nn.Sequential(layers[0], nn.ReLU(), layers[1], nn.ReLU(), layers[2]);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => body.forward(x);

    protected override void Dispose(bool disposing)
    {
        if (disposing) body.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// A policy learned from the demonstrator's trajectories by behaviour cloning (cross-entropy on the
/// demonstrated moves). A second human-like base: it imitates the demonstrator, imperfectly.
/// </summary>
public sealed class ClonedPolicy : IPolicy, IDisposable
{
    private const int Channels = 7; // inside, 4 walls, flower bed, goal
    private readonly ClonedPolicyNetwork network;
    private readonly int radius;
    private readonly CandidateObjective goal;
    private Rng rng;
    private readonly Dictionary<Level, (long Index, ulong Seed, CellPolicy Table)> tables = new(ReferenceEqualityComparer.Instance);

    private ClonedPolicy(ClonedPolicyNetwork network, int radius, CandidateObjective goal, ulong seed)
    {
        this.network = network;
        this.radius = radius;
        this.goal = goal;
        rng = new Rng(seed ^ 0xC10E);
    }

    public string Name => $"cloned:{goal.Name}";
    public bool NeedsObservations => false;
    public CloningReport Report { get; private set; } = new(0, 0, 0, 0, 0, 0);

    public static int InputSize(int radius) => Channels * (2 * radius + 1) * (2 * radius + 1) + 2;

    /// <summary>The network's input for every cell of a level as the agent's position (row-major, cells × inputs).</summary>
    public static float[] Features(Level level, CandidateObjective goal, int radius)
    {
        int side = 2 * radius + 1, size = InputSize(radius), n = level.CellCount;
        var goals = Bfs.Goals(level, goal);
        int g = goals.Length > 0 ? goals[0] : level.Start;
        var f = new float[n * size];
        for (int c = 0; c < n; c++)
        {
            int cx = level.X(c), cy = level.Y(c), row = c * size;
            for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
            {
                int x = cx + dx, y = cy + dy, p = (dy + radius) * side + dx + radius, plane = side * side;
                if (x < 0 || y < 0 || x >= level.Width || y >= level.Height)
                {
                    for (int w = 1; w <= 4; w++) f[row + w * plane + p] = 1;
                    continue;
                }
                int cell = level.CellAt(x, y);
                byte walls = level.Walls[cell];
                f[row + p] = 1;
                f[row + 1 * plane + p] = (walls & Walls.Up) != 0 ? 1 : 0;
                f[row + 2 * plane + p] = (walls & Walls.Down) != 0 ? 1 : 0;
                f[row + 3 * plane + p] = (walls & Walls.Left) != 0 ? 1 : 0;
                f[row + 4 * plane + p] = (walls & Walls.Right) != 0 ? 1 : 0;
                f[row + 5 * plane + p] = (level.Objects[cell] & CellObject.Marked) != 0 ? 1 : 0;
                f[row + 6 * plane + p] = goal.IsGoal(level, cell) ? 1 : 0;
            }
            f[row + size - 2] = (float)(level.X(g) - cx) / level.Width;
            f[row + size - 1] = (float)(level.Y(g) - cy) / level.Height;
        }
        return f;
    }

    /// <summary>
    /// Records demonstrations on <paramref name="train"/>, fits the network, and scores agreement on
    /// <paramref name="heldOut"/> levels it never saw. Deterministic for a seed and torch thread count.
    /// </summary>
    public static ClonedPolicy Train(IReadOnlyList<GardenLevel> train, IReadOnlyList<GardenLevel> heldOut,
        DemonstratorSettings demonstrator, BehaviourCloningSettings settings, ulong seed, Action<string>? log = null)
    {
        var goal = train[0].ProxyGoal;
        int size = InputSize(settings.Radius);
        var rng = new Rng(seed);
        var xs = new List<float>();
        var ys = new List<long>();
        foreach (var level in train)
        {
            var table = Demonstrator.Table(level.Level, goal, demonstrator);
            var features = Features(level.Level, goal, settings.Radius);
            for (int e = 0; e < settings.EpisodesPerLevel; e++)
                foreach (var (cell, move) in Episode(level, table, ref rng))
                {
                    xs.AddRange(features.AsSpan(cell * size, size));
                    ys.Add(move);
                }
        }
        int count = ys.Count;
        var x = xs.ToArray();
        var y = ys.ToArray();

        var network = new ClonedPolicyNetwork(size, settings.Hidden, seed);
        // Not torch.optim.Adam: its temporary Scalars can be freed by the GC mid-step (see ScalarSafeAdam).
        using var optimizer = new MesaLab.Learning.ScalarSafeAdam(network.parameters(), settings.LearningRate);
        var order = Enumerable.Range(0, count).ToArray();
        var bx = new float[settings.BatchSize * size];
        var by = new long[settings.BatchSize];
        double lastLoss = 0;
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            for (int i = count - 1; i > 0; i--) { int j = rng.Next(i + 1); (order[i], order[j]) = (order[j], order[i]); }
            double lossSum = 0;
            int batches = 0;
            for (int start = 0; start < count; start += settings.BatchSize)
            {
                int b = Math.Min(settings.BatchSize, count - start);
                for (int k = 0; k < b; k++)
                {
                    Array.Copy(x, (long)order[start + k] * size, bx, (long)k * size, size);
                    by[k] = y[order[start + k]];
                }
                using var scope = torch.NewDisposeScope();
                var input = torch.tensor(bx.AsSpan(0, b * size).ToArray(), [b, size]);
                var target = torch.tensor(by.AsSpan(0, b).ToArray(), [b]);
                var loss = nn.functional.cross_entropy(network.forward(input), target);
                network.zero_grad();
                loss.backward();
                optimizer.Step();
                lossSum += loss.item<float>();
                batches++;
            }
            lastLoss = lossSum / Math.Max(1, batches);
            log?.Invoke($"behaviour cloning: epoch {epoch + 1}/{settings.Epochs}, cross-entropy {lastLoss:F3} nats on {count} demonstrated moves");
        }

        var policy = new ClonedPolicy(network, settings.Radius, goal, seed);
        policy.Report = policy.Score(heldOut, demonstrator, count, lastLoss, ref rng);
        return policy;
    }

    private static List<(int Cell, int Move)> Episode(GardenLevel level, CellPolicy table, ref Rng rng)
    {
        var steps = new List<(int, int)>();
        int cell = level.Level.Start;
        for (int t = 0; t < level.MaxSteps; t++)
        {
            int move = table.SampleMove(cell, ref rng);
            steps.Add((cell, move));
            cell = level.Next[cell * Moves.Count + move];
            if (level.IsGoal[cell]) break;
        }
        return steps;
    }

    private CloningReport Score(IReadOnlyList<GardenLevel> heldOut, DemonstratorSettings demonstrator, int demonstrations, double loss, ref Rng rng)
    {
        long states = 0, sampledStates = 0;
        double modeHits = 0, chance = 0, sampledHits = 0;
        foreach (var level in heldOut)
        {
            var demo = Demonstrator.Table(level.Level, goal, demonstrator);
            var clone = Table(level);
            // Every non-goal cell once (mode agreement), and the states a demonstration visits (sampled agreement).
            for (int c = 0; c < level.CellCount; c++)
            {
                if (level.IsGoal[c]) continue;
                double best = 0;
                for (int a = 0; a < Moves.Count; a++) best = Math.Max(best, demo[c, a]);
                int modes = 0;
                for (int a = 0; a < Moves.Count; a++) if (demo[c, a] >= best - 1e-12) modes++;
                int pick = ArgMax(clone, c);
                if (demo[c, pick] >= best - 1e-12) modeHits++;
                chance += (double)modes / Moves.Count;
                states++;
            }
            foreach (var (cell, move) in Episode(level, demo, ref rng))
            {
                if (ArgMax(clone, cell) == move) sampledHits++;
                sampledStates++;
            }
        }
        return new CloningReport(demonstrations, (int)states, modeHits / Math.Max(1, states), chance / Math.Max(1, states), sampledHits / Math.Max(1, sampledStates), loss);
    }

    private static int ArgMax(CellPolicy p, int cell)
    {
        int best = 0;
        for (int a = 1; a < Moves.Count; a++) if (p[cell, a] > p[cell, best]) best = a;
        return best;
    }

    /// <summary>The clone's move probabilities on every cell of a level (one batched forward pass).</summary>
    public CellPolicy Table(GardenLevel level) => Table(level.Level);

    public CellPolicy Table(Level level)
    {
        int n = level.CellCount, size = InputSize(radius);
        var features = Features(level, goal, radius);
        float[] probs;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var input = torch.tensor(features, [n, size]);
            probs = nn.functional.softmax(network.forward(input), 1).data<float>().ToArray();
        }
        var p = new double[n * Moves.Count];
        for (int c = 0; c < n; c++)
        {
            double s = 0;
            for (int a = 0; a < Moves.Count; a++) s += probs[c * Moves.Count + a];
            for (int a = 0; a < Moves.Count; a++) p[c * Moves.Count + a] = probs[c * Moves.Count + a] / s;
        }
        return new CellPolicy("cloned", p);
    }

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var level = batch.Levels[i];
            if (!tables.TryGetValue(level, out var t) || t.Index != level.Index || t.Seed != level.Seed)
            {
                t = (level.Index, level.Seed, Table(level));
                tables[level] = t;
            }
            moves[i] = (Move)t.Table.SampleMove(batch.AgentCell[i], ref rng);
        }
    }

    public void Dispose() => network.Dispose();
}
