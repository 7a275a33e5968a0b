namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>Recorded episodes regenerate and re-step exactly, moving partner and monsters included.</summary>
public class ReplayTests
{
    public static TheoryData<string, string, string> WorldSplits() => WorldContractTests.WorldSplits();

    [Theory, MemberData(nameof(WorldSplits))]
    public void A_stored_record_replays_with_the_same_events_and_live_objects(string world, string split, string generator)
    {
        var s = WorldContractTests.SplitOf(world, split, generator);
        for (long index = 0; index < 4; index++)
        {
            var agent = new ShortestPathAgent(s.World.Candidates[(int)(index % s.World.Candidates.Count)], 0.3, (ulong)index);
            var e = Episode.Record(s, 17, index, agent);
            var record = new EpisodeRecord
            {
                World = world, Split = split, SplitFingerprint = s.Fingerprint(), Seed = 3, LevelSeed = 17, LevelIndex = index,
                LevelWidth = e.Level.Width, LevelHeight = e.Level.Height, Start = e.Level.Start, Agent = agent.Name,
                Actions = [.. e.Moves], Positions = [.. e.Cells.Skip(1)], Events = [.. e.Events], Return = e.Return,
                Terminated = e.Terminated, Truncated = e.Truncated,
            };
            var stored = EpisodeRecord.Decode(record.Encode());
            var objects = Replay.LiveObjects(stored);
            Assert.Equal(e.Objects.Count, objects.Length);
            for (int t = 0; t < objects.Length; t++) Assert.Equal(e.Objects[t], objects[t]);
        }
    }

    [Fact]
    public void A_record_whose_monsters_would_move_differently_does_not_replay()
    {
        var s = WorldCatalog.Get("monster-world").Split("deploy", new Dictionary<string, object> { ["monster_chase"] = 1.0 });
        var e = Episode.Record(s, 17, 0, new RandomAgent(2));
        var record = new EpisodeRecord
        {
            World = "monster-world", Split = "deploy", SplitFingerprint = s.Fingerprint(), Seed = 3, LevelSeed = 17, LevelIndex = 0,
            Start = e.Level.Start, Actions = [.. e.Moves], Positions = [.. e.Cells.Skip(1)], Events = [.. e.Events],
            Terminated = e.Terminated, Truncated = e.Truncated,
        };
        Replay.Verify(record);
        // The same moves against monsters that wander instead of chasing give other encounters.
        var wandering = WorldCatalog.Get("monster-world").Split("deploy", new Dictionary<string, object> { ["monster_chase"] = 0.0 });
        Assert.Throws<UserError>(() => Replay.Verify(record with { SplitFingerprint = wandering.Fingerprint() }));
    }
}
