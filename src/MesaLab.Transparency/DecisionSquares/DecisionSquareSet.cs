namespace MesaLab.Transparency;

using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>A level with the agent placed on its decision square: the cell where the ways to the goal and to the proxy part.</summary>
/// <param name="Square">The decision square; its move set A leads to the goal, B to the proxy.</param>
public sealed record DecisionState(Level Level, DecisionSquare Square, int GoalCell, int ProxyCell);

/// <summary>
/// The decision squares of a split's levels (Turner et al. 2023): level i for i in [first, first + levels), with the agent moved
/// from its start to the decision square on its way (<see cref="DecisionSquares.OnTheWay"/>). Levels where one goal lies on
/// the way to the other have none and are counted as skipped. Deterministic in (split, seed, indices).
/// </summary>
public sealed class DecisionSquareSet
{
    private DecisionSquareSet(Split split, GoalPair goals, IReadOnlyList<DecisionState> states, int tried, int canvasWidth, int canvasHeight)
    {
        Split = split;
        Goals = goals;
        States = states;
        LevelsTried = tried;
        CanvasWidth = canvasWidth;
        CanvasHeight = canvasHeight;
    }

    public Split Split { get; }
    public GoalPair Goals { get; }
    public IReadOnlyList<DecisionState> States { get; }
    public int LevelsTried { get; }
    public int Skipped => LevelsTried - States.Count;
    public int CanvasWidth { get; }
    public int CanvasHeight { get; }
    public int Count => States.Count;

    /// <summary>States whose decision square is the level's start cell.</summary>
    public int AtStart => States.Count(s => s.Square.Cell == s.Level.Start);

    public static DecisionSquareSet Generate(Split split, GoalPair goals, int levels, ulong seed, long firstLevelIndex = 0)
    {
        var generator = split.World.CreateGenerator(split);
        return FromLevels(split, goals, [.. Enumerable.Range(0, levels).Select(i => generator.Generate(seed, firstLevelIndex + i))],
            generator.MaxWidth, generator.MaxHeight);
    }

    /// <summary>The decision squares on the way of given levels (hand-made rooms in tests), observed on a canvas of the given size.</summary>
    public static DecisionSquareSet FromLevels(Split split, GoalPair goals, IReadOnlyList<Level> levels, int canvasWidth, int canvasHeight)
    {
        var states = new List<DecisionState>();
        foreach (var level in levels)
        {
            int g = level.Find(goals.Goal.Object), p = level.Find(goals.Proxy.Object);
            if (g < 0 || p < 0 || g == p) continue;
            if (DecisionSquares.OnTheWay(level, level.Start, g, p) is { } square) states.Add(new DecisionState(level, square, g, p));
        }
        return new DecisionSquareSet(split, goals, states, levels.Count, canvasWidth, canvasHeight);
    }

    /// <summary>Every decision square of the same levels (not only the one on the way), the agent placed on each.</summary>
    public DecisionSquareSet AllSquares()
    {
        var all = new List<DecisionState>();
        foreach (var s in States)
            foreach (var square in DecisionSquares.All(s.Level, s.GoalCell, s.ProxyCell))
                all.Add(s with { Square = square });
        return new DecisionSquareSet(Split, Goals, all, LevelsTried, CanvasWidth, CanvasHeight);
    }

    /// <summary>Observations [N, C, H, W] of the states, agent on the decision square.</summary>
    public Tensor Observations(int start = 0, int count = -1)
    {
        if (count < 0) count = Count - start;
        return ObservationBuilder.Build(Split, [.. States.Skip(start).Take(count).Select(s => (s.Level, s.Square.Cell))], CanvasWidth, CanvasHeight);
    }

    /// <summary>Observations of the same levels with the agent on its start cell.</summary>
    public Tensor StartObservations() =>
        ObservationBuilder.Build(Split, [.. States.Select(s => (s.Level, s.Level.Start))], CanvasWidth, CanvasHeight);

    /// <summary>
    /// The network's probability of a move towards the goal and towards the proxy at each decision square, under whatever
    /// edits are registered on the network. All states go through one forward pass, so an edit with one row per state
    /// (<see cref="ActivationPatch"/>) sees them in order. Without such edits, <paramref name="chunk"/> bounds the states per
    /// forward pass (memory).
    /// </summary>
    public (double[] TowardGoal, double[] TowardProxy) Probabilities(InspectableNetwork network, int chunk = int.MaxValue)
    {
        var goal = new double[Count];
        var proxy = new double[Count];
        chunk = Math.Clamp(chunk, 1, Math.Max(1, Count));
        for (int start = 0; start < Count; start += chunk)
        {
            int n = Math.Min(chunk, Count - start);
            using var scope = NewDisposeScope();
            var probs = network.ActionProbabilities(Observations(start, n)).contiguous().data<float>().ToArray();
            for (int i = 0; i < n; i++)
                (goal[start + i], proxy[start + i]) = States[start + i].Square.Probabilities(probs.AsSpan(i * 4, 4));
        }
        return (goal, proxy);
    }
}
