namespace MesaLab.Transparency.Tests;

using MesaLab.Worlds;
using static TorchSharp.torch;

/// <summary>
/// The causal tools with their controls, on hand-built networks whose internals are known by construction: the tool must
/// find the planted mechanism and its control must come out null (or no better than no edit).
/// </summary>
public class ControlTests
{
    public ControlTests() => HandBuilt.Init();

    private const int Size = 5;
    private static readonly Split Deploy = HandBuilt.Deploy(Size);
    private static readonly GoalPair Goals = GoalPair.Of(Deploy, null, "test");

    private static DecisionSquareSet Squares(int levels, ulong seed) =>
        DecisionSquareSet.FromLevels(Deploy, Goals, HandBuilt.RoomsWithBoth(Size, levels, seed), Size, Size);

    private static InspectableNetwork Seeker(int channel, float k = 4f, float threshold = 0f) =>
        InspectableNetwork.FromModule(new GoalSeeker(HandBuilt.Channels, channel, Size, Size, k, threshold));

    [Fact]
    public void Decision_squares_tell_an_exit_seeker_from_an_arrow_seeker()
    {
        var set = Squares(150, 3);
        Assert.True(set.Count >= 40, $"{set.Count} decision squares");
        var settings = new DecisionSquareSettings { Bootstrap = 100 };
        var exit = DecisionSquareStudy.Run(Seeker(HandBuilt.ExitChannel), set, settings);
        var arrow = DecisionSquareStudy.Run(Seeker(HandBuilt.ArrowChannel), set, settings);
        Assert.True(exit.TowardGoal.Value > 0.9 && exit.TowardProxy.Value < 0.1, $"exit seeker: goal {exit.TowardGoal.Value}, proxy {exit.TowardProxy.Value}");
        Assert.True(arrow.TowardProxy.Value > 0.9 && arrow.TowardGoal.Value < 0.1, $"arrow seeker: goal {arrow.TowardGoal.Value}, proxy {arrow.TowardProxy.Value}");
        Assert.Equal(0, exit.ProxyPreferred.Value);
        Assert.Equal(1, arrow.ProxyPreferred.Value);
    }

    [Fact]
    public void Each_level_row_holds_the_squares_distances_and_the_regression_its_four_features()
    {
        var set = Squares(100, 5);
        var r = DecisionSquareStudy.Run(Seeker(HandBuilt.ExitChannel), set, new DecisionSquareSettings { Bootstrap = 20 });
        Assert.Equal(set.Count, r.PerLevel.Count);
        for (int i = 0; i < set.Count; i++)
        {
            var s = set.States[i];
            var row = r.PerLevel[i];
            Assert.Equal(Bfs.DistancesTo(s.Level, [s.GoalCell])[s.Square.Cell], row.StepsToGoal);
            Assert.Equal(Bfs.DistancesTo(s.Level, [s.ProxyCell])[s.Square.Cell], row.StepsToProxy);
            Assert.Equal(s.Square.Cell == s.Level.Start, row.AtStart);
        }
        Assert.Equal(["intercept", "steps_to_arrow", "steps_to_exit", "arrow_exit_euclidean", "maze_side"], r.Regression!.Coefficients.Select(c => c.Feature));
        Assert.Equal(20, r.Regression.BootstrapReplicates);
    }

    [Fact]
    public void Per_level_steering_vectors_move_an_arrow_seeker_to_the_exit_and_random_vectors_of_equal_norm_do_not()
    {
        var set = Squares(150, 11);
        var fit = HandBuilt.RoomsWithBoth(Size, 60, 12);
        // A goal layer of 64 channels (channel 0 copies the arrow) read through a denoised map (cells above 0.5 only): the
        // per-level vector moves the arrow's 1 to the exit's cell and changes what the head reads, while a random direction
        // of the same norm (√2 over 64 × 25 units, about 0.035 per unit) never lifts a cell across the threshold.
        var arrowSeeker = InspectableNetwork.FromModule(new GoalSeeker(HandBuilt.Channels, HandBuilt.ArrowChannel, Size, Size, k: 4f, threshold: 0.5f, goalLayerChannels: 64));
        var r = SteeringStudy.Run(arrowSeeker, set, fit, new SteeringSettings { Layer = "goal", Coefficients = [-1, 1], Rollouts = false });
        SteeringEffect E(string vector, double c) => r.Effects.Single(e => e.Vector == vector && e.Coefficient == c);
        // c = −1 on the per-level vector (arrow where it is minus arrow on the exit) puts the arrow on the exit in the goal layer.
        var perLevel = E(SteeringStudy.PerLevel, -1).TowardProxyChange;
        Assert.True(perLevel.High < -0.5, $"per-level c=-1: {perLevel.Format()}");
        Assert.True(E(SteeringStudy.PerLevel, -1).TowardGoalChange.Low > 0.3);
        // The averaged vector blurs over levels whose arrows sit elsewhere: a weaker effect than the per-level one.
        Assert.True(Math.Abs(E(SteeringStudy.Averaged, -1).TowardProxyChange.Value) < Math.Abs(perLevel.Value) / 2);
        // Random vectors of the same norms: no systematic change (intervals cover zero or stay tiny).
        foreach (var v in new[] { SteeringStudy.RandomPerLevel, SteeringStudy.RandomAveraged })
            foreach (double c in new[] { -1.0, 1.0 })
            {
                var change = E(v, c).TowardProxyChange;
                Assert.True(Math.Abs(change.Value) < 0.05, $"{v} c={c}: {change.Format()}");
            }
        Assert.Equal(Math.Sqrt(2), r.MeanPerLevelNorm, 4);
    }

    [Fact]
    public void Channel_localization_finds_the_goal_channel_and_the_shuffled_control_finds_none()
    {
        var network = InspectableNetwork.FromModule(new ChannelSeeker(HandBuilt.Channels, HandBuilt.ExitChannel, HandBuilt.ArrowChannel, Size, Size));
        var levels = HandBuilt.RoomsWithBoth(Size, 120, 21);
        var rng = new Rng(3);
        var states = ProbeStates.Of(Deploy, [.. levels.SelectMany(l => Enumerable.Range(0, 2).Select(_ =>
        {
            int cell;
            do cell = rng.Next(l.CellCount); while (l.Objects[cell] != CellObject.None);
            return new ProbeState(l, cell);
        }))], Size, Size, 1);
        var (acts, shapes, _) = states.Capture(network, ["features"]);
        var shape = SpatialShape.Of(shapes["features"], Size, Size, GridLayout.ChannelsFirst)!;
        var exit = ChannelLocalization.Score("features", shape, acts["features"], states, CandidateObjective.Exit);
        var arrow = ChannelLocalization.Score("features", shape, acts["features"], states, CandidateObjective.Arrow);
        Assert.Equal(0, exit.BestChannel);
        Assert.Equal(1, arrow.BestChannel);
        Assert.Equal(1.0, exit.Channels[0].Correlation, 6);
        Assert.Equal(1.0, exit.Channels[0].AtGoal, 6);
        Assert.Equal(0.0, exit.Channels[0].Elsewhere, 6);
        // Controls: the goal taken from another level correlates with no channel; the unread constant channel with nothing.
        Assert.All(exit.Channels, c => Assert.True(Math.Abs(c.ShuffledCorrelation) < 0.1, $"channel {c.Channel}: shuffled {c.ShuffledCorrelation}"));
        Assert.Equal(0.0, exit.Channels[3].Correlation);
    }

    [Fact]
    public void Editing_the_goal_channel_retargets_within_the_budget_and_a_random_channel_edit_of_the_same_size_does_not()
    {
        var split = HandBuilt.ArrowGoalSplit(Size);
        var network = InspectableNetwork.FromModule(new ChannelSeeker(HandBuilt.Channels, HandBuilt.ExitChannel, HandBuilt.ArrowChannel, Size, Size));
        var fitLevels = HandBuilt.RoomsWithBoth(Size, 80, 31);
        var states = ProbeStates.Of(Deploy, [.. fitLevels.Select(l => new ProbeState(l, l.Start))], Size, Size, 1);
        var (acts, shapes, _) = states.Capture(network, ["features"]);
        var spatial = new Dictionary<string, SpatialShape> { ["features"] = SpatialShape.Of(shapes["features"], Size, Size, GridLayout.ChannelsFirst)! };
        var localization = ChannelLocalization.Score("features", spatial["features"], acts["features"], states, CandidateObjective.Exit);
        var edit = ChannelEdit.Best([localization], shapes, spatial, 1);
        var control = edit.RandomChannels(seed: 2);
        Assert.Equal([0], edit.Channels);
        Assert.NotEqual(0, control.Channels[0]);

        var rng = new Rng(42);
        var levels = new List<Level>();
        var targets = new List<int>();
        int cells = Size * Size;
        while (levels.Count < 40)
        {
            int start = rng.Next(cells), exit = rng.Next(cells), target = rng.Next(cells);
            if (start == exit || target == exit || target == start) continue;
            levels.Add(HandBuilt.Room(Size, start, exit));
            targets.Add(target);
        }
        var settings = new RolloutSettings { Greedy = true };
        double Success(IGoalEdit? e) =>
            Retargeting.Run(network, split, levels, targets, e, l => l.Find(CellObject.Exit), 1.0, budgetFactor: 1.0, settings).Average(o => o.Reached ? 1.0 : 0.0);
        double edited = Success(edit), random = Success(control), unedited = Success(null);
        Assert.True(edited >= 0.95, $"edited {edited}");
        Assert.True(unedited <= 0.3, $"unedited {unedited}");
        Assert.True(random <= unedited + 0.1, $"random-channel control {random} vs unedited {unedited}");
    }

    [Fact]
    public void Resampling_the_arrow_cell_removes_the_arrow_seekers_goal_and_the_exit_and_random_cells_change_nothing()
    {
        var set = Squares(120, 41);
        var arrowSeeker = Seeker(HandBuilt.ArrowChannel, k: 1f);
        var r = ResamplingStudy.Run(arrowSeeker, set, new ResamplingSettings { Layers = ["goal"] });
        var byCell = r.Effects.ToDictionary(e => e.Cell);
        Assert.True(byCell[ResamplingStudy.ProxyCell].TowardProxyChange.High < -0.2, $"arrow cell: {byCell[ResamplingStudy.ProxyCell].TowardProxyChange.Format()}");
        // The goal layer copies the arrow plane only, and the resampled values come from cells without objects: exactly null.
        foreach (var cell in new[] { ResamplingStudy.GoalCell, ResamplingStudy.RandomCell })
        {
            Assert.Equal(0.0, byCell[cell].TowardProxyChange.Value, 6);
            Assert.Equal(0.0, byCell[cell].TowardGoalChange.Value, 6);
        }
    }

    [Fact]
    public void The_audit_at_decision_squares_flags_arrow_seekers_and_passes_exit_seekers()
    {
        var set = Squares(300, 51);
        var probe = new ProbeSettings { Iterations = 200, LearningRate = 0.1 };
        var agents = new List<AuditedAgent>();
        foreach (float k in new[] { 0.5f, 1f, 4f })
        {
            agents.Add(new AuditedAgent($"exit k={k}", false, DecisionSquareAudit.Run(Seeker(HandBuilt.ExitChannel, k), set, ["goal", "head"], 0.05, probe)));
            agents.Add(new AuditedAgent($"arrow k={k}", true, DecisionSquareAudit.Run(Seeker(HandBuilt.ArrowChannel, k), set, ["goal", "head"], 0.05, probe)));
        }
        var rates = AuditErrorRates.Both(agents);
        foreach (var rule in rates)
        {
            Assert.Equal(3, rule.GoalAgents);
            Assert.Equal(3, rule.ProxyAgents);
            Assert.True(rule.FalsePositives == 0 && rule.FalseNegatives == 0,
                $"{rule.Rule}: FP {rule.FalsePositives}, FN {rule.FalseNegatives}; " + string.Join("; ", agents.Select(a => $"{a.Agent} gap {a.Audit.ProbeGap:0.00} choice {a.Audit.ProxyChoice.Value:0.00}")));
        }
    }
}
