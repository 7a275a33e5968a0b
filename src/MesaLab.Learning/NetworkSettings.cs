namespace MesaLab.Learning;

/// <summary>
/// The shape of the policy/value network. Saved in every checkpoint, so a checkpoint rebuilds its own network.
/// YAML section <c>network:</c>; field names are the snake_case forms of the property names.
/// </summary>
public sealed record NetworkSettings
{
    /// <summary>
    /// <c>maze</c>: the size-agnostic wall-gated propagation network (one checkpoint runs on any level size);
    /// <c>mlp</c>: two tanh layers over the flattened observation (fixed size; for the throughput benchmark).
    /// </summary>
    public string Kind { get; init; } = "maze";

    /// <summary>Feature channels per cell of the maze network (small: per-op cost grows with it).</summary>
    public int Channels { get; init; } = 16;

    /// <summary>
    /// Propagation steps per cell of canvas side: the tied block runs K = max(min_iterations, ceil(this × max(H, W)))
    /// times, so information travels further on bigger canvases without new weights.
    /// </summary>
    public double IterationsPerSide { get; init; } = 2.0;

    /// <summary>Fewest propagation steps, whatever the canvas.</summary>
    public int MinIterations { get; init; } = 4;

    /// <summary>Fixed propagation steps when positive (overrides the two settings above).</summary>
    public int Iterations { get; init; }

    /// <summary>Width of the hidden layer of the policy and value heads (maze) or of both MLP layers (mlp).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Adds a GRU core between the features and the heads, for agents that adapt within an episode.</summary>
    public bool Recurrent { get; init; }

    /// <summary>Width of the GRU core's hidden state.</summary>
    public int CoreSize { get; init; } = 64;

    /// <summary>The propagation steps used on a canvas of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public int IterationsFor(long height, long width) =>
        Iterations > 0 ? Iterations : Math.Max(MinIterations, (int)Math.Ceiling(IterationsPerSide * Math.Max(height, width)));

    /// <summary>Throws <see cref="MesaLab.Worlds.UserError"/> naming the first bad field.</summary>
    public void Validate(string where)
    {
        if (Kind is not ("maze" or "mlp"))
            throw new MesaLab.Worlds.UserError($"{where}: network.kind is '{Kind}', but it must be one of maze, mlp.");
        Settings.Positive(Channels, "network.channels", where);
        Settings.Positive(Hidden, "network.hidden", where);
        Settings.Positive(MinIterations, "network.min_iterations", where);
        Settings.Positive(CoreSize, "network.core_size", where);
        if (Iterations < 0) throw new MesaLab.Worlds.UserError($"{where}: network.iterations is {Iterations}, but it must be 0 (automatic) or a positive integer.");
        if (!(IterationsPerSide > 0 && IterationsPerSide <= 64))
            throw new MesaLab.Worlds.UserError($"{where}: network.iterations_per_side is {IterationsPerSide}, but it must be a number above 0 and at most 64.");
    }
}
