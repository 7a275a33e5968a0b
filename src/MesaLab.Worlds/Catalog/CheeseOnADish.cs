namespace MesaLab.Worlds;

/// <summary>
/// Cheese on a dish (jaxgmg): a mouse in a maze is rewarded for reaching the cheese. In <c>train</c> the cheese lies
/// on the dish (or within <c>dish_radius</c> moves of it), so "reach the cheese" and "reach the dish" earn the same;
/// in <c>deploy</c> the cheese lies anywhere off the way to the dish, and an agent that learned the dish — a landmark
/// correlated with the goal, not a place — walks to the empty dish.
/// </summary>
public sealed class CheeseOnADish : World
{
    public override string Name => "cheese-on-a-dish";

    public override string Description =>
        "Mazes with a cheese and a dish; the cheese lies on (or near) the dish in train and anywhere off the way to the dish in deploy.";

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("min_size", 5, 2, 64, "smallest maze side, in cells (sides drawn uniformly from min_size..max_size)"),
        ParameterSpec.Int("max_size", 9, 2, 64, "largest maze side, in cells"),
        ParameterSpec.Choice("cheese", "near_dish", ["near_dish", "anywhere", "distinguishing"],
            "where the cheese goes: near_dish (on a uniformly random cell at most dish_radius moves from the dish, the start excepted), anywhere (any cell but the start, the dish included) or distinguishing (any cell but the start and the dish that lies on no shortest way from the start to the dish, so a dish-seeker never ends its episode at the cheese on the way)"),
        ParameterSpec.Int("dish_radius", 0, 0, 64, "near_dish: the largest number of moves between the dish and the cheese (0: the cheese is on the dish)"),
        ParameterSpec.Probability("randomized_fraction", 0, "fraction of levels on which the cheese is placed anywhere whatever 'cheese' says (breaks the ambiguity)"),
        ParameterSpec.Int("max_steps", 0, 0, 100_000, "step limit per episode; 0 means 4 × the number of cells"),
        .. LevelLayout.Parameters("dfs"),
    ];

    public override IReadOnlyList<(string Name, string Description, IReadOnlyDictionary<string, object> Values)> BuiltInSplits { get; } =
    [
        ("train", "the cheese on the dish", new Dictionary<string, object> { ["cheese"] = "near_dish" }),
        ("deploy", "the cheese anywhere off the way to the dish (distinguishing)", new Dictionary<string, object> { ["cheese"] = "distinguishing" }),
    ];

    public override IReadOnlyList<CandidateObjective> Candidates { get; } = [CandidateObjective.Cheese, CandidateObjective.Dish];

    public override IReadOnlyList<(CellObject Object, ObservationChannel Channel)> ObjectChannels { get; } =
    [
        (CellObject.Cheese, new ObservationChannel("cheese", "1 on the cheese")),
        (CellObject.Dish, new ObservationChannel("dish", "1 on the dish")),
    ];

    public override CandidateObjective BaseObjective(Split split) => CandidateObjective.Cheese;

    public override void ValidateSplit(Split split, string where)
    {
        if (split.Int("min_size") > split.Int("max_size"))
            throw new UserError($"{where}: min_size ({split.Int("min_size")}) must not exceed max_size ({split.Int("max_size")}).");
    }

    public override LevelGenerator CreateGenerator(Split split) => new Generator(split);

    private sealed class Generator(Split split) : MazeGenerator(split)
    {
        private readonly string placement = split.Choice("cheese");
        private readonly int radius = split.Int("dish_radius");
        private readonly double randomizedFraction = split.Real("randomized_fraction");
        private int[] fromStart = [], fromDish = [], queue = [], eligible = [];


        protected override string Requirement => "the start's region holds the start, the dish and a cheese cell";

        /// <summary>Places the mouse, the dish and the cheese; false when the start's region has no room for them (draw again).</summary>
        protected override bool TryPlace(ref Rng rng, Level level)
        {
            int n = level.CellCount;
            var open = Layout.OpenCells(level);
            if (open.Length < 3) return false;
            int start = open[rng.Next(open.Length)];
            var region = Layout.Region(level, start);
            if (region.Length < 3) return false;
            int dish = LevelLayout.PickExcept(ref rng, region, start);
            bool randomized = rng.NextDouble() < randomizedFraction;
            string mode = randomized ? "anywhere" : placement;
            level.Randomized = randomized && placement != "anywhere";
            if (fromStart.Length < n) { fromStart = new int[level.Walls.Length]; fromDish = new int[level.Walls.Length]; queue = new int[level.Walls.Length]; eligible = new int[level.Walls.Length]; }
            int cheese;
            if (mode == "anywhere") cheese = LevelLayout.PickExcept(ref rng, region, start);
            else
            {
                Bfs.Distances(level, new ReadOnlySpan<int>(in dish), fromDish, queue);
                if (mode == "distinguishing") Bfs.Distances(level, new ReadOnlySpan<int>(in start), fromStart, queue);
                int count = 0;
                foreach (int c in region)
                {
                    if (c == start) continue;
                    bool ok = mode == "near_dish"
                        ? fromDish[c] <= radius
                        : c != dish && fromStart[c] + fromDish[c] != fromStart[dish];
                    if (ok) eligible[count++] = c;
                }
                if (count == 0) return false;
                cheese = eligible[rng.Next(count)];
            }
            level.Start = start;
            level.Objects[dish] |= CellObject.Dish;
            level.Objects[cheese] |= CellObject.Cheese;
            return true;
        }
    }
}
