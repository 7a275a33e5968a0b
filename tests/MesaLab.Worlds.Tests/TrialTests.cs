namespace MesaLab.Worlds.Tests;

/// <summary>Trials: an instance replays its level for episodes_per_trial episodes before auto-reset moves on.</summary>
public class TrialTests
{
    [Fact]
    public void Auto_reset_replays_the_level_for_a_whole_trial_then_takes_the_next()
    {
        var split = WorldCatalog.Get("green-arrow-maze").Split("train", new Dictionary<string, object> { ["max_steps"] = 3 });
        var batch = new WorldBatch(split, 1, 7, new BatchOptions { EpisodesPerTrial = 3 });
        var obs = new float[batch.ObservationSize];
        batch.Reset(obs);
        var levels = new List<long>();
        var inTrial = new List<int>();
        Span<Move> moves = [Move.Up];
        for (int episode = 0; episode < 6; episode++)
        {
            levels.Add(batch.Levels[0].Index);
            inTrial.Add(batch.EpisodeInTrial[0]);
            do { moves[0] = Move.Up; batch.Step(moves, obs); } while (!batch.Terminated[0] && !batch.Truncated[0]);
        }
        Assert.Equal([0L, 0, 0, 1, 1, 1], levels);
        Assert.Equal([0, 1, 2, 0, 1, 2], inTrial);
    }
}
