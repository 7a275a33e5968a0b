namespace MesaLab.Transparency;

using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>One probed state: a generated level with the agent placed on a cell.</summary>
public sealed record ProbeState(Level Level, int AgentCell);

/// <summary>
/// The states probes are trained on: levels generated from a split (seeded) with the agent placed on uniformly random
/// cells that hold no candidate goal, observed on the split's canvas. Deterministic in (split, seed, counts).
/// </summary>
public sealed class ProbeStates
{
    private ProbeStates(Split split, IReadOnlyList<ProbeState> states, int canvasWidth, int canvasHeight, ulong seed)
    {
        Split = split;
        States = states;
        CanvasWidth = canvasWidth;
        CanvasHeight = canvasHeight;
        Seed = seed;
    }

    public Split Split { get; }
    public IReadOnlyList<ProbeState> States { get; }
    public int CanvasWidth { get; }
    public int CanvasHeight { get; }
    public ulong Seed { get; }
    public int Count => States.Count;

    public static ProbeStates Generate(Split split, int levels, int statesPerLevel, ulong seed, long firstLevelIndex = 0)
    {
        if (levels < 1 || statesPerLevel < 1) throw new UserError($"probing needs at least one level and one state per level; got {levels} levels × {statesPerLevel} states.");
        var generator = split.World.CreateGenerator(split);
        var goals = split.World.Candidates.Where(c => c.Object != CellObject.None).Select(c => c.Object).Aggregate(CellObject.None, (a, b) => a | b);
        var rng = new Rng(seed ^ 0x9B0BE5UL);
        var states = new List<ProbeState>();
        for (int i = 0; i < levels; i++)
        {
            var level = generator.Generate(seed, firstLevelIndex + i);
            var free = Enumerable.Range(0, level.CellCount).Where(c => (level.Objects[c] & goals) == 0).ToArray();
            if (free.Length == 0) continue;
            for (int s = 0; s < statesPerLevel; s++) states.Add(new ProbeState(level, free[rng.Next(free.Length)]));
        }
        return new ProbeStates(split, states, generator.MaxWidth, generator.MaxHeight, seed);
    }

    /// <summary>Given states (the agent on decision squares, hand-made levels) observed on a canvas of the given size.</summary>
    public static ProbeStates Of(Split split, IReadOnlyList<ProbeState> states, int canvasWidth, int canvasHeight, ulong seed) =>
        new(split, states, canvasWidth, canvasHeight, seed);

    /// <summary>Observations [N, C, H, W] of the states.</summary>
    public Tensor Observations(int start = 0, int count = -1)
    {
        if (count < 0) count = Count - start;
        return ObservationBuilder.Build(Split, [.. States.Skip(start).Take(count).Select(s => (s.Level, s.AgentCell))], CanvasWidth, CanvasHeight);
    }

    /// <summary>Captures the given layers over all states in chunks; returns one matrix per layer plus each state's most probable move.</summary>
    public (Dictionary<string, FeatureMatrix> Activations, Dictionary<string, long[]> Shapes, int[] NextMoves) Capture(InspectableNetwork network, IReadOnlyList<string> layers, int chunk = 256)
    {
        var parts = layers.ToDictionary(l => l, _ => new List<float>());
        var shapes = new Dictionary<string, long[]>();
        var moves = new int[Count];
        for (int start = 0; start < Count; start += chunk)
        {
            int n = Math.Min(chunk, Count - start);
            using var scope = NewDisposeScope();
            using var cap = ActivationCapture.Capture(network, Observations(start, n), layers);
            foreach (var l in layers)
            {
                shapes[l] = cap[l].shape[1..];
                parts[l].AddRange(ActivationCapture.Flatten(cap[l], out _));
            }
            var am = cap.Logits.argmax(1).data<long>().ToArray();
            for (int i = 0; i < n; i++) moves[start + i] = (int)am[i];
        }
        var acts = layers.ToDictionary(l => l, l => new FeatureMatrix([.. parts[l]], Count, parts[l].Count / Count));
        return (acts, shapes, moves);
    }
}
