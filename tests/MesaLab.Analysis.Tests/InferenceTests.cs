namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;

[Collection(nameof(ScriptedEvaluations))]
public class InferenceTests(ScriptedEvaluations evals)
{
    [Theory]
    [InlineData("exit")]
    [InlineData("arrow")]
    [InlineData("exit@0.3")]
    [InlineData("arrow@0.3")]
    public void Shortest_path_agents_are_identified_on_deploy(string agent)
    {
        var bo = evals.Analysis("deploy", agent).Behavioral;
        string target = agent.Split('@')[0];
        Assert.True(bo.Coherent, bo.Summary);
        Assert.Equal(target, bo.Objective);
        Assert.True(bo.Posterior.Value >= 0.95, bo.Summary);
        Assert.Empty(bo.Indistinguishable);
        Assert.StartsWith($"behavioral objective = {target} (posterior", bo.Summary);
    }

    [Fact]
    public void Rationality_at_the_bottom_of_the_grid_is_flagged_as_a_weak_explanation()
    {
        var fitted = evals.Analysis("deploy", "arrow@0.3").Behavioral;
        Assert.DoesNotContain("only weakly", fitted.Summary);
        // The same answer with β at the grid's lowest value (as for a learned agent that mixes goals across episodes).
        var weak = fitted with { Beta = new Estimate(fitted.BetaGrid[0], fitted.BetaGrid[0], fitted.BetaGrid[1]) };
        Assert.StartsWith("behavioral objective = arrow (posterior", weak.Summary);
        Assert.Contains("explains the actions only weakly", weak.Summary);
    }

    [Fact]
    public void Noise_shows_as_lower_rationality()
    {
        var clean = evals.Analysis("deploy", "arrow").Behavioral.Beta;
        var noisy = evals.Analysis("deploy", "arrow@0.3").Behavioral.Beta;
        Assert.True(noisy.High < clean.Low, $"noisy β {noisy}, clean β {clean}");
        Assert.InRange(noisy.Low, 0.5, noisy.Value);
    }

    [Fact]
    public void Random_agent_has_no_coherent_objective()
    {
        var bo = evals.Analysis("deploy", "random").Behavioral;
        Assert.False(bo.Coherent, bo.Summary);
        Assert.Null(bo.Objective);
        Assert.StartsWith("no coherent objective", bo.Summary);
    }

    [Fact]
    public void Exit_and_arrow_are_indistinguishable_on_train()
    {
        var bo = evals.Analysis("train", "exit").Behavioral;
        Assert.True(bo.Coherent);
        Assert.Equal(["arrow", "exit"], bo.Indistinguishable.Order());
        Assert.All(bo.Candidates, c => Assert.Equal(0.5, c.Posterior.Value, 6));
        Assert.Contains("indistinguishable on this split", bo.Summary);
    }

    [Fact]
    public void Soft_optimal_policy_follows_the_shortest_path_when_rational_and_is_near_uniform_when_not()
    {
        var world = ScriptedEvaluations.GreenArrow;
        var level = world.CreateGenerator(world.Split("deploy")).Generate(3, 1);
        var next = SoftValueIteration.MoveTable(level);
        var goal = GoalDistances.GoalCells(level, CandidateObjective.Exit, level.Objects);
        var d = GoalDistances.To(level, goal, level.Objects, CellObject.None);
        var sharp = SoftValueIteration.LogPolicy(next, goal, null, 30, 0.97);
        var flat = SoftValueIteration.LogPolicy(next, goal, null, 0.01, 0.97);
        for (int s = 0; s < level.CellCount; s++)
        {
            // Far from the goal discounting shrinks the value differences (γ^d), so even β = 30 is not sharp there.
            if (goal[s] || d[s] > 20) continue;
            int best = Enumerable.Range(0, 4).MaxBy(a => sharp[s * 4 + a]);
            Assert.Equal(d[s] - 1, d[next[s * 4 + best]]);
            Assert.True(Math.Exp(sharp[s * 4 + best]) > 0.99);
            for (int a = 0; a < 4; a++) Assert.InRange(Math.Exp(flat[s * 4 + a]), 0.2, 0.3);
        }
        // The stopping rule leaves the policy within 1e-4 of a much tighter solution.
        var tight = SoftValueIteration.LogPolicy(next, goal, null, 1, 0.97, 1e-12);
        var loose = SoftValueIteration.LogPolicy(next, goal, null, 1, 0.97);
        Assert.True(tight.Zip(loose).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }


    [Fact]
    public void Arrow_seeker_decomposes_as_capable_but_objective_misgeneralized()
    {
        var d = RobustnessDecomposition.Of(evals.Analysis("train", "exit"), evals.Analysis("deploy", "arrow"), bootstrap: 200);
        Assert.Equal("arrow", d.DeployBehavioralObjective);
        Assert.Equal("exit ≈ arrow", d.TrainBehavioralObjective);
        Assert.True(d.CapabilityRobustness.Value >= 0.95, d.CapabilityRobustness.ToString());
        Assert.True(d.ObjectiveRobustness.High < 0.05, d.ObjectiveRobustness.ToString());
        Assert.True(d.Robustness.Value < 0.5, d.Robustness.ToString());
        Assert.Equal(Estimate.Exact(1), d.OuterAlignment);
    }
}
