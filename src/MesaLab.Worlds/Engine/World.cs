namespace MesaLab.Worlds;

/// <summary>One channel of a world's observation, with the documentation users read.</summary>
public sealed record ObservationChannel(string Name, string Doc);

/// <summary>
/// A world says only how a level is generated, which objects it shows and which objectives it can
/// express (the Minigrid habit); <see cref="WorldBatch"/> owns stepping, observation and episode logic.
/// </summary>
public abstract class World
{
    /// <summary>The channels every world starts with, in this order.</summary>
    public static readonly IReadOnlyList<ObservationChannel> CommonChannels =
    [
        new("inside", "1 on cells of the level, 0 on canvas padding outside it"),
        new("wall_up", "1 where leaving the cell upwards is blocked (padding: 1)"),
        new("wall_down", "1 where leaving the cell downwards is blocked (padding: 1)"),
        new("wall_left", "1 where leaving the cell to the left is blocked (padding: 1)"),
        new("wall_right", "1 where leaving the cell to the right is blocked (padding: 1)"),
        new("agent", "1 on the agent's cell"),
    ];

    public const int InsideChannel = 0;
    public const int FirstWallChannel = 1;
    public const int AgentChannel = 5;

    public abstract string Name { get; }
    public abstract string Description { get; }

    /// <summary>Every settable parameter, with defaults; splits override some of them.</summary>
    public abstract IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The built-in splits: name, description and the values they change from the defaults.</summary>
    public abstract IReadOnlyList<(string Name, string Description, IReadOnlyDictionary<string, object> Values)> BuiltInSplits { get; }

    /// <summary>The candidate objectives: the hypothesis space for behavioral-objective inference.</summary>
    public abstract IReadOnlyList<CandidateObjective> Candidates { get; }

    /// <summary>
    /// Hazards: objects the agent should avoid, which end or spoil an episode (lava). A hazard is not a goal: entering
    /// one is a capability failure with that hazard as its reason, never evidence of a different objective.
    /// </summary>
    public virtual IReadOnlyList<Hazard> Hazards => [];

    /// <summary>Objects drawn as observation channels after the common ones, in channel order.</summary>
    public abstract IReadOnlyList<(CellObject Object, ObservationChannel Channel)> ObjectChannels { get; }

    /// <summary>Whether the observation ends with a plane holding the number of <see cref="InventoryObject"/>s held.</summary>
    public virtual bool HasInventoryChannel => false;

    /// <summary>What the inventory plane counts: keys (keys-and-chests) or shields (monster-world).</summary>
    public virtual CellObject InventoryObject => CellObject.Key;

    /// <summary>Objects held at which the inventory plane reads 1 (it reads held/this, capped at 1).</summary>
    public const int InventoryScale = 4;

    /// <summary>The reward the training process optimizes, for a split (e.g. the green-arrow switch).</summary>
    public abstract CandidateObjective BaseObjective(Split split);

    /// <summary>What the designer wants; the same as the base objective unless the world models outer misalignment.</summary>
    public virtual CandidateObjective IntendedObjective(Split split) => BaseObjective(split);

    /// <summary>Penalty for entering lava (the episode ends there).</summary>
    public virtual float LavaPenalty => 1f;

    /// <summary>The numbers the engine's rules take from a split: penalties, how monsters chase, the partner's lead.</summary>
    public virtual WorldRules Rules(Split split) => new() { LavaPenalty = LavaPenalty };

    /// <summary>
    /// Objects this split keeps out of the observation although the world has a channel for them (the channel stays
    /// empty), so that one network fits every split of the world: follow-the-leader hides the next beacon when
    /// <c>show_next</c> is false.
    /// </summary>
    public virtual CellObject HiddenObjects(Split split) => CellObject.None;

    /// <summary>Makes the generator for a split (typed settings read once, scratch buffers owned).</summary>
    public abstract LevelGenerator CreateGenerator(Split split);

    /// <summary>Cross-parameter checks (min ≤ max, enough cells for the objects); throws <see cref="UserError"/>.</summary>
    public virtual void ValidateSplit(Split split, string where) { }

    public IReadOnlyList<ObservationChannel> Channels =>
        [.. CommonChannels, .. ObjectChannels.Select(o => o.Channel), .. HasInventoryChannel ? [InventoryChannel] : Array.Empty<ObservationChannel>()];

    private ObservationChannel InventoryChannel
    {
        get
        {
            string held = InventoryObject == CellObject.Shield ? "shields" : "keys";
            return new ObservationChannel($"{held}_held", $"{held} held / {InventoryScale}, capped at 1, on every cell");
        }
    }

    public ParameterSpec? Parameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public CandidateObjective? Candidate(string name) =>
        Candidates.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The candidate named, or a <see cref="UserError"/> listing the allowed names.</summary>
    public CandidateObjective RequireCandidate(string name, string where) => Candidate(name) ??
        throw new UserError($"{where}: world '{Name}' has no candidate objective '{name}'; its candidates are {string.Join(", ", Candidates.Select(c => c.Name))}.");

    public IEnumerable<string> SplitNames => BuiltInSplits.Select(s => s.Name);

    /// <summary>A built-in split, optionally with overrides.</summary>
    public Split Split(string name, IReadOnlyDictionary<string, object>? overrides = null, string where = "command line")
    {
        var def = BuiltInSplits.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        if (def.Name is null)
            throw new UserError($"{where}: world '{Name}' has no split '{name}'; its splits are {string.Join(", ", SplitNames)} (a config file can define more).");
        return DefineSplit(def.Name, def.Description, def.Values, overrides, where);
    }

    /// <summary>A new split from the defaults, the values of a base split and overrides (how YAML defines splits).</summary>
    public Split DefineSplit(string name, string description, IReadOnlyDictionary<string, object> baseValues,
        IReadOnlyDictionary<string, object>? overrides, string where)
    {
        var values = Parameters.ToDictionary(p => p.Name, p => p.Default);
        var split = new Split(this, name, description, values).With(baseValues, $"built-in split '{name}' of world '{Name}'");
        return overrides is { Count: > 0 } ? split.With(overrides, where) : split;
    }

    public override string ToString() => Name;
}

/// <summary>
/// Generates levels of one split in place. Implementations read the split's parameters once in their
/// constructor and own any scratch buffers, so generation allocates nothing in steady state.
/// </summary>
public abstract class LevelGenerator(Split split)
{
    public Split Split { get; } = split;
    public World World => Split.World;

    /// <summary>Largest width and height this split can produce (the canvas of a batch).</summary>
    public abstract int MaxWidth { get; }
    public abstract int MaxHeight { get; }

    /// <summary>Step limit for a level (truncation).</summary>
    public abstract int MaxSteps(Level level);

    /// <summary>Writes level <paramref name="index"/> of this split for <paramref name="seed"/> into <paramref name="level"/>.</summary>
    public void Generate(ulong seed, long index, Level level)
    {
        var rng = Rng.ForLevel(seed, streamHash, index);
        Fill(ref rng, level);
        level.Seed = seed;
        level.Index = index;
    }

    /// <summary>A fresh level object (allocates; for analysis and pictures, not the step path).</summary>
    public Level Generate(ulong seed, long index)
    {
        var l = new Level(MaxWidth * MaxHeight);
        Generate(seed, index, l);
        return l;
    }

    private readonly ulong streamHash = Rng.Hash(split.World.Name);

    protected abstract void Fill(ref Rng rng, Level level);
}
