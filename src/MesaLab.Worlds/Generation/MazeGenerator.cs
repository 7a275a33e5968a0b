namespace MesaLab.Worlds;

/// <summary>
/// The generator of a maze world: a square level whose side is drawn from the split's <c>min_size</c>..<c>max_size</c>,
/// walls from the split's layout (<see cref="LevelLayout"/>), then the world's own objects placed by
/// <see cref="TryPlace"/>; a level that cannot hold them is drawn again, and a split that keeps failing is a
/// <see cref="UserError"/> saying what its levels must allow (<see cref="Requirement"/>).
/// </summary>
public abstract class MazeGenerator(Split split) : LevelGenerator(split)
{
    private readonly int steps = split.Int("max_steps");

    protected int MinSize { get; } = split.Int("min_size");
    protected int MaxSize { get; } = split.Int("max_size");
    protected LevelLayout Layout { get; } = new(split);

    public override int MaxWidth => MaxSize;
    public override int MaxHeight => MaxSize;

    /// <summary>The step limit per cell when <c>max_steps</c> is 0.</summary>
    protected virtual double StepsPerCell(Level level) => 4;

    public override int MaxSteps(Level level) => steps > 0 ? steps : Math.Max(1, (int)Math.Round(StepsPerCell(level) * level.CellCount));

    /// <summary>What a level of this world must allow, in the words of the error when no draw allows it.</summary>
    protected abstract string Requirement { get; }

    /// <summary>Places the world's objects on a freshly drawn layout; false to draw the level again.</summary>
    protected abstract bool TryPlace(ref Rng rng, Level level);

    protected sealed override void Fill(ref Rng rng, Level level)
    {
        for (int attempt = 0; ; attempt++)
        {
            Layout.CheckAttempt(attempt, Requirement);
            int size = rng.NextInclusive(MinSize, MaxSize);
            level.Reset(size, size);
            Layout.Draw(ref rng, level);
            if (TryPlace(ref rng, level)) return;
        }
    }
}
