namespace MesaLab.Worlds;

/// <summary>
/// Keys and chests in a perfect maze: a key is picked up into an inventory the agent sees, and any key
/// opens any chest (+1, both consumed). In <c>train</c> chests are plentiful and keys scarce, so "open
/// chests" and "collect keys" earn the same; in <c>deploy</c> keys are plentiful and chests scarce, and
/// an agent that learned to hoard keys wastes its steps collecting them.
/// </summary>
/// <remarks>
/// The published gridworld used a 12×12 maze, chest probability 0.5 and key probability 0.1 per cell in
/// training (reversed for testing) and 130 steps. MesaLab keeps the per-cell probabilities but uses
/// 5×5 to 7×7 mazes by default so a small network learns it in minutes on a CPU; set <c>min_size</c>
/// and <c>max_size</c> to 12 and <c>max_steps</c> to 130 for the published setting.
/// </remarks>
public sealed class KeysAndChests : World
{
    public override string Name => "keys-and-chests";

    public override string Description =>
        "Mazes (perfect unless generator says otherwise) with keys and chests; a key opens any chest (+1). Chests plentiful and keys scarce in train, the reverse in deploy.";

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("min_size", 5, 2, 64, "smallest maze side, in cells (sides drawn uniformly from min_size..max_size)"),
        ParameterSpec.Int("max_size", 7, 2, 64, "largest maze side, in cells"),
        ParameterSpec.Probability("chest_probability", 0.5, "probability that a cell (other than the start and the guaranteed objects) holds a chest"),
        ParameterSpec.Probability("key_probability", 0.1, "probability that a cell (other than the start and the guaranteed objects) holds a key; a cell holds at most one object, so chest_probability + key_probability must not exceed 1"),
        ParameterSpec.Int("min_keys", 1, 0, 4096, "keys always placed, on distinct random cells, before the per-cell draws"),
        ParameterSpec.Int("min_chests", 1, 0, 4096, "chests always placed, on distinct random cells, before the per-cell draws"),
        ParameterSpec.Probability("randomized_fraction", 0, "fraction of levels drawn with the key and chest probabilities swapped (keys plentiful, chests scarce), breaking the ambiguity"),
        ParameterSpec.Int("max_steps", 0, 0, 100_000, "step limit per episode; 0 means 2 × the number of cells (the published 130 steps on 12×12 is about 0.9 ×)"),
        .. LevelLayout.Parameters("dfs"),
    ];

    public override IReadOnlyList<(string Name, string Description, IReadOnlyDictionary<string, object> Values)> BuiltInSplits { get; } =
    [
        ("train", "chests plentiful (0.5 per cell), keys scarce (0.1 per cell)", new Dictionary<string, object> { ["chest_probability"] = 0.5, ["key_probability"] = 0.1 }),
        ("deploy", "keys plentiful (0.5 per cell), chests scarce (0.1 per cell)", new Dictionary<string, object> { ["chest_probability"] = 0.1, ["key_probability"] = 0.5 }),
    ];

    public override IReadOnlyList<CandidateObjective> Candidates { get; } = [CandidateObjective.Chests, CandidateObjective.Keys];

    public override IReadOnlyList<(CellObject Object, ObservationChannel Channel)> ObjectChannels { get; } =
    [
        (CellObject.Key, new ObservationChannel("key", "1 on a key not yet picked up")),
        (CellObject.Chest, new ObservationChannel("chest", "1 on a chest not yet opened")),
    ];

    public override bool HasInventoryChannel => true;

    public override CandidateObjective BaseObjective(Split split) => CandidateObjective.Chests;

    public override void ValidateSplit(Split split, string where)
    {
        int min = split.Int("min_size"), max = split.Int("max_size");
        if (min > max) throw new UserError($"{where}: min_size ({min}) must not exceed max_size ({max}).");
        double pc = split.Real("chest_probability"), pk = split.Real("key_probability");
        if (pc + pk > 1 + 1e-12)
            throw new UserError($"{where}: chest_probability ({pc}) + key_probability ({pk}) must not exceed 1, since a cell holds at most one object.");
        int free = min * min - 1;
        int keys = split.Int("min_keys"), chests = split.Int("min_chests");
        if (keys + chests > free)
            throw new UserError($"{where}: min_keys ({keys}) + min_chests ({chests}) must not exceed the {free} free cells of the smallest {min}×{min} maze (min_size); lower them or raise min_size.");
    }

    public override LevelGenerator CreateGenerator(Split split) => new Generator(split);

    private sealed class Generator(Split split) : MazeGenerator(split)
    {
        private readonly int minKeys = split.Int("min_keys"), minChests = split.Int("min_chests");
        private readonly double pChest = split.Real("chest_probability"), pKey = split.Real("key_probability");
        private readonly double randomizedFraction = split.Real("randomized_fraction");
        protected override string Requirement { get; } = $"the start's region holds the start, {split.Int("min_keys")} key(s) and {split.Int("min_chests")} chest(s)";
        private int[] cells = [];

        protected override double StepsPerCell(Level level) => 2;


        /// <summary>Places the start and the keys and chests within the start's region; false when it is too small (draw again).</summary>
        protected override bool TryPlace(ref Rng rng, Level level)
        {
            int fixedCount = minKeys + minChests;
            var open = Layout.OpenCells(level);
            if (open.Length < 1 + fixedCount) return false;
            int start = open[rng.Next(open.Length)];
            var region = Layout.Region(level, start);
            if (region.Length < 1 + fixedCount) return false;
            level.Start = start;
            bool randomized = rng.NextDouble() < randomizedFraction;
            level.Randomized = randomized;
            double chest = randomized ? pKey : pChest, key = randomized ? pChest : pKey;

            // The guaranteed objects go on distinct random cells other than the start (partial Fisher–Yates).
            if (cells.Length < region.Length) cells = new int[level.Walls.Length];
            int m = 0;
            foreach (int c in region) if (c != start) cells[m++] = c;
            for (int k = 0; k < fixedCount; k++)
            {
                int j = k + rng.Next(m - k);
                (cells[k], cells[j]) = (cells[j], cells[k]);
                level.Objects[cells[k]] = k < minKeys ? CellObject.Key : CellObject.Chest;
            }
            foreach (int c in region)
            {
                if (c == start || level.Objects[c] != CellObject.None) continue;
                double u = rng.NextDouble();
                if (u < chest) level.Objects[c] = CellObject.Chest;
                else if (u < chest + key) level.Objects[c] = CellObject.Key;
            }
            return true;
        }
    }
}
