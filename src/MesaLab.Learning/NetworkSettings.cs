namespace MesaLab.Learning;


/// <summary>
/// The shape of the policy/value network. Saved in every checkpoint, so a checkpoint rebuilds its own network.
/// YAML section <c>network:</c>; field names are the snake_case forms of the property names.
/// </summary>
[ConfigSection("network")]
public sealed record NetworkSettings : ICheckedSettings
{
    /// <summary>
    /// <c>maze</c>: the size-agnostic wall-gated propagation network (one checkpoint runs on any level size);
    /// <c>mlp</c>: two tanh layers over the flattened observation (fixed size; for the throughput benchmark);
    /// <c>impala</c>: the IMPALA CNN of the Procgen experiments with a global max-pool (any canvas; no built-in propagation).
    /// </summary>
    public string Kind { get; init; } = "maze";

    /// <summary>Feature channels per cell of the maze network (small: per-op cost grows with it).</summary>
    public int Channels { get; init; } = 8;

    /// <summary>
    /// Propagation steps per cell of canvas side: the tied block runs K = max(min_iterations, ceil(this × max(H, W)))
    /// times, so information travels further on bigger canvases without new weights.
    /// </summary>
    public double IterationsPerSide { get; init; } = 2.0;

    /// <summary>Fewest propagation steps, whatever the canvas.</summary>
    public int MinIterations { get; init; } = 4;

    /// <summary>Fixed propagation steps when positive (overrides the two settings above).</summary>
    public int Iterations { get; init; }

    /// <summary>Width of the hidden layer of the policy and value heads (maze) or of both MLP layers (mlp); impala's dense layer is 256.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Adds a GRU core between the features and the heads, for agents that adapt within an episode.</summary>
    public bool Recurrent { get; init; }

    /// <summary>Width of the GRU core's hidden state.</summary>
    public int CoreSize { get; init; } = 64;

    /// <summary>The propagation steps used on a canvas of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public int IterationsFor(long height, long width) =>
        Iterations > 0 ? Iterations : Math.Max(MinIterations, (int)Math.Ceiling(IterationsPerSide * Math.Max(height, width)));

    /// <summary>Throws <see cref="MesaLab.Core.UserError"/> naming the first bad field.</summary>
    public void Validate(string where)
    {
        foreach (var (field, problem) in Check()) throw new MesaLab.Core.UserError($"{where}: network.{field} {problem}.");
    }

    /// <summary>Every problem with these settings, as (YAML field, what is wrong and what is allowed).</summary>
    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (Kind is not ("maze" or "mlp" or "impala")) yield return ("kind", $"is '{Kind}', but it must be one of maze, mlp, impala");
        if (Channels < 1) yield return ("channels", $"is {Channels}, but it must be at least 1");
        if (Hidden < 1) yield return ("hidden", $"is {Hidden}, but it must be at least 1");
        if (MinIterations < 1) yield return ("min_iterations", $"is {MinIterations}, but it must be at least 1");
        if (CoreSize < 1) yield return ("core_size", $"is {CoreSize}, but it must be at least 1");
        if (Iterations < 0) yield return ("iterations", $"is {Iterations}, but it must be 0 (automatic) or a positive integer");
        if (!(IterationsPerSide > 0 && IterationsPerSide <= 64)) yield return ("iterations_per_side", $"is {IterationsPerSide}, but it must be above 0 and at most 64");
    }
}
