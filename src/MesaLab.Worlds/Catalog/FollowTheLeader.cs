namespace MesaLab.Worlds;

/// <summary>
/// Follow the leader (cultural transmission; Shah et al. 2022, jaxgmg's follow-me): the agent is rewarded for
/// activating beacons in an intended order, drawn per level. A scripted partner starts beside it and walks to the
/// beacons in an order of its own — the intended one in <c>train</c>, so following the partner earns as much as
/// heading for the next beacon; a misleading one in <c>deploy</c>, where a follower activates beacons out of turn.
/// The partner's route is a function of the level alone (shortest paths, fixed tie-breaking), so it is deterministic
/// from the level seed. With <c>show_next</c> the next beacon is visible and the task can be solved without the
/// partner; without it (the hidden-order setting) the partner is the only guide.
/// </summary>
public sealed class FollowTheLeader : World
{
    public override string Name => "follow-the-leader";

    public override string Description =>
        "Edge mazes with beacons to activate in an intended order and a scripted partner walking them; the partner follows the intended order in train and a misleading one in deploy.";

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("min_size", 5, 2, 64, "smallest maze side, in cells (sides drawn uniformly from min_size..max_size)"),
        ParameterSpec.Int("max_size", 8, 2, 64, "largest maze side, in cells"),
        ParameterSpec.Int("beacons", 3, 2, 16, "beacons per level, on distinct random cells; the intended order is a uniformly random one"),
        ParameterSpec.Choice("partner_order", "intended", ["intended", "misleading", "reversed"],
            "the order the partner walks: the intended one, a uniformly random order whose first beacon is not the intended first (misleading), or the intended order reversed"),
        ParameterSpec.Bool("show_next", true, "whether the next_beacon channel shows the beacon to activate next (false hides the order: only the partner reveals it)"),
        ParameterSpec.Int("partner_lead", 1, 0, 64, "steps the partner takes along its route before the agent's first move (0: it starts on the agent's cell)"),
        ParameterSpec.Real("wrong_beacon_penalty", 0, 0, 100, "penalty for entering a beacon not yet activated out of the intended order"),
        ParameterSpec.Probability("randomized_fraction", 0, "fraction of levels on which the partner's order is misleading whatever 'partner_order' says (breaks the ambiguity)"),
        ParameterSpec.Int("max_steps", 0, 0, 100_000, "step limit per episode; 0 means 4 × the number of cells"),
        .. LevelLayout.Parameters("edges"),
    ];

    public override IReadOnlyList<(string Name, string Description, IReadOnlyDictionary<string, object> Values)> BuiltInSplits { get; } =
    [
        ("train", "the partner walks the intended order", new Dictionary<string, object> { ["partner_order"] = "intended" }),
        ("deploy", "the partner walks a misleading order (its first beacon is not the intended first)", new Dictionary<string, object> { ["partner_order"] = "misleading" }),
    ];

    public override IReadOnlyList<CandidateObjective> Candidates { get; } = [CandidateObjective.Beacons, CandidateObjective.Partner];

    public override IReadOnlyList<(CellObject Object, ObservationChannel Channel)> ObjectChannels { get; } =
    [
        (CellObject.Beacon, new ObservationChannel("beacon", "1 on a beacon not yet activated (activated beacons go dark)")),
        (CellObject.NextBeacon, new ObservationChannel("next_beacon", "1 on the beacon to activate next; always 0 when show_next is false")),
        (CellObject.Partner, new ObservationChannel("partner", "1 on the partner's cell (it moves one cell per step)")),
    ];

    public override CandidateObjective BaseObjective(Split split) => CandidateObjective.Beacons;

    public override CellObject HiddenObjects(Split split) => split.Bool("show_next") ? CellObject.None : CellObject.NextBeacon;

    public override WorldRules Rules(Split split) => new()
    {
        LavaPenalty = LavaPenalty,
        WrongBeaconPenalty = (float)split.Real("wrong_beacon_penalty"),
        PartnerLead = split.Int("partner_lead"),
    };

    public override void ValidateSplit(Split split, string where)
    {
        int min = split.Int("min_size"), max = split.Int("max_size"), beacons = split.Int("beacons");
        if (min > max) throw new UserError($"{where}: min_size ({min}) must not exceed max_size ({max}).");
        if (beacons > min * min - 1)
            throw new UserError($"{where}: beacons ({beacons}) must not exceed the {min * min - 1} free cells of the smallest {min}×{min} maze (min_size); lower it or raise min_size.");
    }

    public override LevelGenerator CreateGenerator(Split split) => new Generator(split);

    private sealed class Generator(Split split) : MazeGenerator(split)
    {
        private readonly int beacons = split.Int("beacons");
        private readonly string partnerOrder = split.Choice("partner_order");
        private readonly double randomizedFraction = split.Real("randomized_fraction");
        private int[] cells = [];


        protected override string Requirement => "the start's region holds the start and every beacon";

        /// <summary>Places the agent, the partner beside it and the beacons with both orders; false when the start's region is too small.</summary>
        protected override bool TryPlace(ref Rng rng, Level level)
        {
            var open = Layout.OpenCells(level);
            if (open.Length < 1 + beacons) return false;
            int start = open[rng.Next(open.Length)];
            var region = Layout.Region(level, start);
            if (region.Length < 1 + beacons) return false;
            level.Start = start;
            if (cells.Length < region.Length) cells = new int[level.Walls.Length];
            int m = 0;
            foreach (int c in region) if (c != start) cells[m++] = c;
            // The beacons in the order drawn: a uniformly random intended order.
            level.SetBeaconCount(beacons);
            for (int k = 0; k < beacons; k++)
            {
                int j = k + rng.Next(m - k);
                (cells[k], cells[j]) = (cells[j], cells[k]);
                level.BeaconOrder[k] = cells[k];
                level.Objects[cells[k]] = CellObject.Beacon;
            }
            bool randomized = rng.NextDouble() < randomizedFraction;
            string order = randomized ? "misleading" : partnerOrder;
            level.Randomized = randomized && partnerOrder == "intended";
            var partner = level.PartnerOrder.AsSpan(0, beacons);
            level.BeaconOrder.AsSpan(0, beacons).CopyTo(partner);
            if (order == "reversed") partner.Reverse();
            else if (order == "misleading")
            {
                // A uniformly random order among those not starting with the intended first beacon.
                int first = 1 + rng.Next(beacons - 1);
                (partner[0], partner[first]) = (partner[first], partner[0]);
                for (int k = beacons - 1; k > 1; k--)
                {
                    int j = 1 + rng.Next(k);
                    (partner[k], partner[j]) = (partner[j], partner[k]);
                }
            }
            level.Objects[level.BeaconOrder[0]] |= CellObject.NextBeacon;
            level.Objects[partner[0]] |= CellObject.PartnerBeacon;
            level.Objects[start] |= CellObject.Partner;
            return true;
        }
    }
}
