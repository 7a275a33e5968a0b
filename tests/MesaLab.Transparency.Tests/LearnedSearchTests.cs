namespace MesaLab.Transparency.Tests;

using MesaLab.Worlds;

/// <summary>The learned-search studies on a hand-built breadth-first-search network, whose iterations are known exactly, and on a null control.</summary>
public class LearnedSearchTests
{
    public LearnedSearchTests() => HandBuilt.Init();

    private static readonly World Maze = WorldCatalog.Get("green-arrow-maze");

    /// <summary>Deploy-like mazes of sides 5–7 with the arrow placed apart from the exit.</summary>
    private static Split Deploy => Maze.Split("deploy", new Dictionary<string, object> { ["min_size"] = 5, ["max_size"] = 7 });

    private static IterativeNetwork Inspect(BfsNetwork net, Split split)
    {
        var g = split.World.CreateGenerator(split);
        return net.Inspect(split, g.MaxWidth, g.MaxHeight);
    }

    [Fact]
    public void Value_map_probe_quality_rises_with_the_iterations_of_a_network_that_does_BFS_by_iteration()
    {
        var settings = new LearnedSearchSettings { ProbeLevels = 40, ProbeScale = 1, Seed = 3 };
        // 7×7 mazes have distances up to 48; 50 iterations reach every cell.
        var bfs = Inspect(new BfsNetwork(50), Deploy);
        var result = ValueMapProbe.Run(bfs, randomControl: null, Deploy, settings, new ProbeSettings { Seed = 3 });
        var exit = result.For("exit").ToList();

        Assert.Equal(51, exit.Count);
        Assert.True(exit[0].R2 < 0.2, $"the embedding holds only the exit cell: R² {exit[0].R2:F3}");
        Assert.True(exit[^1].R2 > 0.97, $"after the wave has crossed every maze the distance is linear in the state: R² {exit[^1].R2:F3}");
        Assert.True(exit[8].R2 > exit[2].R2 + 0.1 && exit[20].R2 > exit[8].R2 + 0.05, $"R² at 2, 8, 20: {exit[2].R2:F3}, {exit[8].R2:F3}, {exit[20].R2:F3}");
        for (int i = 5; i < exit.Count; i++) Assert.True(exit[i].R2 >= exit[i - 5].R2 - 0.02, $"R² fell from iteration {i - 5} to {i}");
        Assert.All(result.Rows, r => Assert.True(r.Shuffled < 0.05, $"shuffled-target control at {r.Layer} ({r.Goal}): {r.Shuffled:F3}"));
        // The network searches from the exit only: the arrow's map is decoded far worse at the end.
        Assert.True(result.For("arrow").Last().R2 < exit[^1].R2 - 0.2);
    }

    [Fact]
    public void The_random_network_control_is_null_when_the_states_carry_nothing_about_the_maze()
    {
        var settings = new LearnedSearchSettings { ProbeLevels = 40, ProbeScale = 1, Seed = 3 };
        var bfs = Inspect(new BfsNetwork(12), Deploy);
        var noise = Inspect(new BfsNetwork(12, noise: true), Deploy);
        var result = ValueMapProbe.Run(bfs, noise, Deploy, settings, new ProbeSettings { Seed = 3 });
        Assert.All(result.Rows, r => Assert.InRange(r.RandomInit!.Value, -0.05, 0.05));
        Assert.True(result.For("exit").Last().R2 > 0.3);
    }

    [Fact]
    public void More_iterations_at_test_time_solve_mazes_a_short_search_cannot_see_across()
    {
        var settings = new LearnedSearchSettings { Sizes = [8], LevelsPerSize = 40, Scales = [0.5, 8], Greedy = true, Seed = 5 };
        var bfs = Inspect(new BfsNetwork(4), Deploy);
        var result = TestTimeCompute.Run(bfs, Deploy, settings);

        var shortSearch = result.Points.Single(p => p.Scale == 0.5);
        var longSearch = result.Points.Single(p => p.Scale == 8);
        Assert.Equal(2, shortSearch.Iterations);
        Assert.Equal(32, longSearch.Iterations);
        Assert.True(longSearch.Success.Value > shortSearch.Success.Value + 0.3, $"success ×0.5 {shortSearch.Success.Value:F2}, ×8 {longSearch.Success.Value:F2}");
        // Every level whose exit is within the long search's reach is solved along the shortest path.
        for (int i = 0; i < longSearch.Steps.Count; i++)
            if (longSearch.Distances[i] <= 31) Assert.Equal(longSearch.Distances[i], longSearch.Steps[i]);
        Assert.Equal(1.0, bfs.IterationScale);
    }

    [Fact]
    public void Moving_the_goal_before_the_first_iteration_retargets_the_search_and_never_moving_it_does_not()
    {
        var settings = new LearnedSearchSettings { EditLevels = 30, EditFractions = [0, 0.5, 1], Greedy = true, Seed = 7 };
        var bfs = Inspect(new BfsNetwork(50), Deploy);
        var result = GoalEditByIteration.Run(bfs, Deploy, settings);

        Assert.Equal(50, result.Iterations);
        Assert.Equal(30, result.Points[0].Episodes + result.LevelsSkipped);
        Assert.Equal(1.0, result.Points[0].TargetFirst.Value);
        Assert.Equal(1.0, result.Points[^1].GoalFirst.Value);
        Assert.Equal(25, result.Points[1].FromIteration);
    }
}
