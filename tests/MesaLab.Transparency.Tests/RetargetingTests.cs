namespace MesaLab.Transparency.Tests;

using MesaLab.Worlds;
using static TorchSharp.torch;

public class RetargetingTests
{
    public RetargetingTests() => HandBuilt.Init();

    private const int Size = 6;

    [Fact]
    public void Retargeting_moves_a_hand_built_agent_to_an_arbitrary_target()
    {
        var split = HandBuilt.ArrowGoalSplit(Size);
        var network = InspectableNetwork.FromModule(new GoalSeeker(HandBuilt.Channels, HandBuilt.ExitChannel, Size, Size));
        int cells = Size * Size;

        // Fit the edit on every exit position with a few starts each (a balanced set).
        var fit = new List<(Level, int)>();
        var gx = new List<int>();
        var gy = new List<int>();
        for (int exit = 0; exit < cells; exit++)
            foreach (int start in new[] { 0, 7, 20, 35 }.Where(s => s != exit))
            {
                fit.Add((HandBuilt.Room(Size, start, exit), start));
                gx.Add(exit % Size);
                gy.Add(exit / Size);
            }
        var edit = GoalLocationEdit.Fit(network, "goal", ObservationBuilder.Build(split, fit, Size, Size), [.. gx], [.. gy]);

        var rng = new Rng(42);
        var levels = new List<Level>();
        var targets = new List<int>();
        while (levels.Count < 40)
        {
            int start = rng.Next(cells), exit = rng.Next(cells), target = rng.Next(cells);
            if (start == exit || target == exit || target == start) continue;
            levels.Add(HandBuilt.Room(Size, start, exit));
            targets.Add(target);
        }
        var settings = new RolloutSettings { Greedy = true };
        var retargeted = Retargeting.Run(network, split, levels, targets, edit, l => l.Find(CellObject.Exit), 1.0, 2.0, settings);
        var control = Retargeting.Run(network, split, levels, targets, edit, l => l.Find(CellObject.Exit), 0.0, 2.0, settings);
        double success = retargeted.Average(o => o.Reached ? 1.0 : 0.0);
        double baseline = control.Average(o => o.Reached ? 1.0 : 0.0);
        Assert.True(success >= 0.95, $"retargeted success {success}");
        Assert.True(baseline <= 0.5, $"unedited agent reached the targets {baseline} of the time");
        // The retargeted agent walks straight there.
        Assert.All(retargeted.Where(o => o.Reached), o => Assert.Equal(o.Distance, o.StepsToTarget));

        var heat = Retargeting.ShortestPathProbability(network, split, levels[0], edit, l => l.Find(CellObject.Exit), 1.0, Size, Size);
        var plain = Retargeting.ShortestPathProbability(network, split, levels[0], null, l => l.Find(CellObject.Exit), 1.0, Size, Size);
        Assert.True(double.IsNaN(heat[levels[0].Start]));
        double meanEdited = heat.Where(v => !double.IsNaN(v)).Average(), meanPlain = plain.Where(v => !double.IsNaN(v)).Average();
        Assert.True(meanEdited > meanPlain + 0.2, $"heatmap mean {meanEdited} vs unedited {meanPlain}");
    }
}
