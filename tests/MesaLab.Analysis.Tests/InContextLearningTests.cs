namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;

/// <summary>The in-context learning measure tells an agent that remembers across a trial from the same agent made to forget.</summary>
public class InContextLearningTests
{
    private static Split Hidden(int size) => WorldCatalog.Get("green-arrow-maze").Split("train",
        new Dictionary<string, object> { ["min_size"] = size, ["max_size"] = size, ["hidden_goals"] = true, ["max_steps"] = 0 });

    [Fact]
    public void A_scripted_agent_that_remembers_the_goal_speeds_up_within_a_trial_and_the_same_agent_reset_does_not()
    {
        var split = Hidden(6);
        var result = InContextLearning.Run(split, new ExploringAgent(split, seed: 4), trials: 30, episodesPerTrial: 4, seed: 2);
        var kept = result.Curve(InContextLearning.MemoryKept);
        var reset = result.Curve(InContextLearning.MemoryReset);

        // Episode 1 is exploration in both conditions; afterwards the remembering agent walks the shortest path.
        Assert.All(kept.Success, s => Assert.Equal(1.0, s.Value));
        Assert.True(kept.Steps[1].High < kept.Steps[0].Low, $"memory kept: {kept.Steps[0]} then {kept.Steps[1]}");
        var generator = split.World.CreateGenerator(split);
        for (int t = 0; t < 30; t++)
        {
            var level = generator.Generate(2, t);
            int shortest = Bfs.ShortestPathLength(level, CandidateObjective.Exit);
            Assert.All(kept.StepsByTrial[t].Skip(1), s => Assert.Equal(shortest, s));
        }
        Assert.True(result.LaterOverFirst[0].High < 0.8, $"kept: later/first {result.LaterOverFirst[0]}");
        // Reset every episode, it explores afresh: later episodes are no faster than the first.
        Assert.True(result.LaterOverFirst[1].Low > 0.7 && reset.Steps[3].Value > kept.Steps[3].Value * 2, $"reset: later/first {result.LaterOverFirst[1]}");
    }

    [Fact]
    public void Hidden_goals_leave_the_goal_channels_empty()
    {
        var split = Hidden(5);
        var batch = new WorldBatch(split, 1, 3);
        var obs = new float[batch.ObservationSize];
        batch.ResetInstance(0, 0L, obs);
        int cells = batch.CanvasWidth * batch.CanvasHeight;
        for (int ch = World.CommonChannels.Count; ch < batch.Channels; ch++)
            Assert.All(obs.AsSpan(ch * cells, cells).ToArray(), v => Assert.Equal(0f, v));
        Assert.True(batch.Levels[0].Find(CellObject.Exit) >= 0);
    }
}
