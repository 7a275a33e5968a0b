namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

public sealed class EventCountsTests
{
    private static EpisodeRecord Record(params StepEvents[] events) => new()
    {
        World = "keys-and-chests", Split = "deploy", Seed = 1, LevelSeed = 1, LevelIndex = 0,
        Actions = new Move[events.Length], Positions = new int[events.Length], Events = events,
    };

    [Fact]
    public void Counts_are_the_recorded_events_and_keys_per_chest_is_the_ratio_of_totals()
    {
        var records = new[]
        {
            Record(StepEvents.PickedKey, StepEvents.BumpedWall, StepEvents.OpenedChest, StepEvents.PickedKey, StepEvents.PickedKey | StepEvents.StepLimit),
            Record(StepEvents.PickedKey, StepEvents.OpenedChest),
        };
        var counts = EventCounts.Of(records, resamples: 200);
        Assert.Equal(2, counts.Episodes);
        var keys = Assert.Single(counts.PerEpisode, c => c.Event == "keys picked");
        var chests = Assert.Single(counts.PerEpisode, c => c.Event == "chests opened");
        Assert.Equal(4, keys.Total);
        Assert.Equal(2.0, keys.PerEpisode.Value, 12);
        Assert.Equal(1.0, chests.PerEpisode.Value, 12);
        // Wall bumps and the step limit are not counted; events that never happened are not listed.
        Assert.Equal(2, counts.PerEpisode.Count);
        Assert.Equal(2.0, counts.KeysPerChest!.Value.Value, 12);
        Assert.InRange(counts.KeysPerChest.Value.Low, 1.0, 2.0);
        Assert.InRange(counts.KeysPerChest.Value.High, 2.0, 3.0);
    }

    [Fact]
    public void No_ratio_without_both_keys_and_chests()
    {
        var counts = EventCounts.Of([Record(StepEvents.PickedKey, StepEvents.PickedKey)]);
        Assert.Null(counts.KeysPerChest);
        Assert.Empty(EventCounts.Of([Record(StepEvents.BumpedWall)]).PerEpisode);
    }

    [Fact]
    public void A_key_hoarder_picks_more_keys_per_chest_than_a_chest_opener_on_deploy()
    {
        var world = WorldCatalog.Get("keys-and-chests");
        var split = world.Split("deploy");
        var hoarder = EventCounts.Of(Evaluator.Run(split, new SeekerAgent(world.RequireCandidate("keys", "test")), 60, 5)).KeysPerChest!.Value;
        var opener = EventCounts.Of(Evaluator.Run(split, new SeekerAgent(world.RequireCandidate("chests", "test")), 60, 5)).KeysPerChest!.Value;
        Assert.True(opener.High < hoarder.Low, $"opener {opener}, hoarder {hoarder}");
        Assert.True(hoarder.Value > 2, $"hoarder {hoarder}");
    }
}
