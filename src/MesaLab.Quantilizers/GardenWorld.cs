namespace MesaLab.Quantilizers;

using MesaLab.Worlds;

/// <summary>
/// The garden levels of a quantilizer experiment as a world PPO can train on: the source world's rules,
/// parameters and candidates, but every level is one of the given gardens (beds and opened loops included)
/// and the base objective — the rewarded, episode-ending goal — is the quantilizer's proxy. The flower beds
/// are an observation channel, so the agent sees them; its reward does not charge for them, just as the
/// proxy does not. A world variant defined here, so the Worlds engine needed no change.
/// </summary>
public sealed class GardenWorld : World
{
    private readonly World source;
    private readonly IReadOnlyList<GardenLevel> gardens;
    private readonly CandidateObjective proxy;
    private readonly LevelGenerator sourceGenerator;

    /// <param name="sourceSplit">The split the gardens were made from (its parameters and step limits carry over).</param>
    /// <param name="gardens">The levels handed out; each episode starts on one of them, drawn uniformly from (seed, episode index).</param>
    public GardenWorld(Split sourceSplit, IReadOnlyList<GardenLevel> gardens)
    {
        if (gardens.Count == 0) throw new ArgumentException("a garden world needs at least one level.", nameof(gardens));
        source = sourceSplit.World;
        this.gardens = gardens;
        proxy = gardens[0].ProxyGoal;
        sourceGenerator = source.CreateGenerator(sourceSplit);
        ObjectChannels = source.ObjectChannels.Any(o => o.Object == CellObject.Marked)
            ? source.ObjectChannels
            : [.. source.ObjectChannels, (CellObject.Marked, new ObservationChannel("flower_bed", "1 on a flower bed (a marked cell the proxy does not charge for)"))];
        GardenSplit = DefineSplit(sourceSplit.Name, $"garden levels of {sourceSplit}", sourceSplit.Values.ToDictionary(kv => kv.Key, kv => kv.Value), null, $"garden world of {sourceSplit}");
    }

    /// <summary>The one split of this world: the source split's parameters, levels from the gardens.</summary>
    public Split GardenSplit { get; }

    public IReadOnlyList<GardenLevel> Gardens => gardens;

    public override string Name => $"garden:{source.Name}";
    public override string Description => $"{gardens.Count} garden level(s) of {source.Name}; reward: reach '{proxy.Name}' (the quantilizer's proxy)";
    public override IReadOnlyList<ParameterSpec> Parameters => source.Parameters;
    public override IReadOnlyList<(string Name, string Description, IReadOnlyDictionary<string, object> Values)> BuiltInSplits => [];
    public override IReadOnlyList<CandidateObjective> Candidates => source.Candidates;
    public override IReadOnlyList<(CellObject Object, ObservationChannel Channel)> ObjectChannels { get; }
    public override bool HasInventoryChannel => source.HasInventoryChannel;
    public override float LavaPenalty => source.LavaPenalty;

    /// <summary>The proxy, whatever the source split's own base objective is.</summary>
    public override CandidateObjective BaseObjective(Split split) => proxy;

    public override LevelGenerator CreateGenerator(Split split) => new FixedGardens(split, gardens, sourceGenerator);

    /// <summary>Hands out copies of the gardens; the step limit is the source generator's for that level.</summary>
    private sealed class FixedGardens(Split split, IReadOnlyList<GardenLevel> gardens, LevelGenerator sourceGenerator) : LevelGenerator(split)
    {
        public override int MaxWidth { get; } = gardens.Max(g => g.Level.Width);
        public override int MaxHeight { get; } = gardens.Max(g => g.Level.Height);
        public override int MaxSteps(Level level) => sourceGenerator.MaxSteps(level);

        protected override void Fill(ref Rng rng, Level level) => gardens[rng.Next(gardens.Count)].Level.CopyTo(level);
    }
}
