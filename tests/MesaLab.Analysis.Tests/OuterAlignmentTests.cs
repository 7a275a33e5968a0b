namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;

/// <summary>Outer alignment measured where the world lets the base objective differ from the intended one.</summary>
public class OuterAlignmentTests
{
    [Fact]
    public void Rewarding_the_proxy_is_measured_as_outer_misalignment_and_rewarding_the_goal_as_exactly_aligned()
    {
        var world = WorldCatalog.Get("green-arrow-maze");
        var proxy = world.Split("deploy", new Dictionary<string, object> { ["reward"] = "proxy" });
        var records = Evaluator.Run(proxy, new SeekerAgent(CandidateObjective.Arrow), 50, 6);
        var measured = OuterAlignment.Measure(records, world.BaseObjective(proxy), world.IntendedObjective(proxy), bootstrap: 200);
        // A perfect arrow-seeker reaches the exit only where the exit lies on its way to the arrow.
        Assert.InRange(measured.Value, 0.05, 0.8);
        Assert.True(measured.Low < measured.Value && measured.Value < measured.High, measured.ToString());
        var plain = world.Split("deploy");
        Assert.Equal(Estimate.Exact(1), OuterAlignment.Measure(records, world.BaseObjective(plain), world.IntendedObjective(plain)));

        var train = EvaluationAnalysis.Of(Evaluator.Run(world.Split("train", new Dictionary<string, object> { ["reward"] = "proxy" }), new SeekerAgent(CandidateObjective.Arrow), 30, 6));
        var d = RobustnessDecomposition.Of(train, EvaluationAnalysis.Of(records), bootstrap: 200);
        Assert.Equal(("arrow", "exit"), (d.BaseObjective, d.IntendedObjective));
        Assert.Equal(measured.Value, d.OuterAlignment.Value, 9);
        Assert.False(d.Tree.Children[0].Holds);
        Assert.Equal("not aligned", d.Tree.Verdict);
    }
}
