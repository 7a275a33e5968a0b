namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

public class BfsTests
{
    /// <summary>A 4×1 corridor with lava in cell 1: the exit at cell 3 is cut off from cell 0 unless lava is crossed.</summary>
    private static Level Corridor()
    {
        var l = new Level();
        l.Reset(4, 1);
        l.OpenAllInterior();
        l.Objects[1] = CellObject.Lava;
        l.Objects[3] = CellObject.Exit;
        return l;
    }

    [Fact]
    public void Distances_count_moves_to_the_nearest_goal_and_respect_lava_avoidance()
    {
        var l = Corridor();
        var d = new int[4];
        var q = new int[4];
        Bfs.Distances(l, [3], d, q);
        Assert.Equal([3, 2, 1, 0], d);
        Bfs.DistancesToObject(l, l.Objects, CellObject.Exit, d, q, CellObject.Lava);
        Assert.Equal([Bfs.Unreachable, Bfs.Unreachable, 1, 0], d);
        Assert.Equal(Bfs.Unreachable, Bfs.ShortestPathLength(l, CandidateObjective.Exit));
        // A goal that is itself lava is reached through lava (no world offers one: hazards are not candidates).
        var intoLava = new CandidateObjective("lava", "enter lava", ObjectiveKind.Reach, CellObject.Lava, StepEvents.EnteredLava);
        Assert.Equal(1, Bfs.ShortestPathLength(l, intoLava));
    }

    [Fact]
    public void Distances_respect_walls()
    {
        var l = new Level();
        l.Reset(2, 2);
        l.OpenPassage(0, Move.Right);  // 0-1
        l.OpenPassage(1, Move.Down);   // 1-3
        l.OpenPassage(3, Move.Left);   // 3-2; 0 and 2 are not directly joined
        var d = new int[4];
        Bfs.Distances(l, [2], d, new int[4]);
        Assert.Equal([3, 2, 0, 1], d);
    }

    [Fact]
    public void Chest_distance_goes_through_the_best_key_not_the_nearest()
    {
        // 7×1 corridor: chest . S key . . key? The nearer key (left, 1 away) sits beside the chest at 0;
        // layout: [chest][key][ ][S][ ][ ][key] → via the left key: 2 + 1 = 3.
        var l = new Level();
        l.Reset(7, 1);
        l.OpenAllInterior();
        l.Start = 3;
        l.Objects[0] = CellObject.Chest;
        l.Objects[1] = CellObject.Key;
        l.Objects[6] = CellObject.Key;
        Assert.Equal(3, Bfs.ShortestPathLength(l, CandidateObjective.Chests));
        // Move the only chest to the far right: the left key is now a detour, the right key is on the way.
        l.Objects[0] = CellObject.None;
        l.Objects[5] = CellObject.Chest;
        // S(3) → key(6) → chest(5): 3 + 1 = 4; via the left key: 2 + 4 = 6.
        Assert.Equal(4, Bfs.ShortestPathLength(l, CandidateObjective.Chests));
        var e = Episode.Record(WorldCatalog.Get("keys-and-chests").Split("train"), l, new ShortestPathAgent(CandidateObjective.Chests));
        Assert.Equal(4, e.Events.FindIndex(ev => (ev & StepEvents.OpenedChest) != 0) + 1);
    }

    [Fact]
    public void Buffers_that_are_too_small_are_refused()
    {
        var l = Corridor();
        Assert.Throws<ArgumentException>(() => Bfs.Distances(l, [0], new int[2], new int[4]));
    }
}
