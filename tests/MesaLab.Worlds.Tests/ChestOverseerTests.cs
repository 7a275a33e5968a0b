namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>The scripted overseer's plan for keys and chests on hand-built levels whose answer is known.</summary>
public class ChestOverseerTests
{
    /// <summary>A 7×1 corridor [K][K][ ][S][ ][C][ ]: the nearest key is left (cell 1), the only chest right (cell 5).</summary>
    public static Level Corridor()
    {
        var l = new Level();
        l.Reset(7, 1);
        l.OpenAllInterior();
        l.Start = 3;
        l.Objects[0] = CellObject.Key;
        l.Objects[1] = CellObject.Key;
        l.Objects[5] = CellObject.Chest;
        return l;
    }

    [Fact]
    public void The_target_is_the_nearest_key_when_empty_handed_and_the_nearest_chest_when_holding_one()
    {
        var l = Corridor();
        var d = new int[7];
        var q = new int[7];
        Assert.Equal(1, ChestOverseer.Target(l, l.Objects, 3, 0, d, q));
        Assert.Equal(Move.Left, ChestOverseer.FirstMove(l, l.Objects, 3, 0, d, q));
        // Holding a key at cell 1, the key at 0 is one step away and the chest four: the overseer goes for the chest.
        var live = l.Objects.AsSpan(0, 7).ToArray();
        live[1] = CellObject.None;
        Assert.Equal(5, ChestOverseer.Target(l, live, 1, 1, d, q));
        Assert.Equal(Move.Right, ChestOverseer.FirstMove(l, live, 1, 1, d, q));
        // No chest left: nothing can be opened, so there is no target even with keys about.
        live[5] = CellObject.None;
        Assert.Equal(-1, ChestOverseer.Target(l, live, 1, 1, d, q));
        Assert.Null(ChestOverseer.FirstMove(l, live, 3, 0, d, q));
        // A chest but no key anywhere and none held: nothing can be opened either.
        var noKeys = new CellObject[7];
        noKeys[5] = CellObject.Chest;
        Assert.Equal(-1, ChestOverseer.Target(l, noKeys, 3, 0, d, q));
    }

    [Fact]
    public void Approval_is_for_moves_one_step_closer_to_the_current_target()
    {
        var l = Corridor();
        var d = new int[7];
        var q = new int[7];
        Assert.True(ChestOverseer.Approves(l, l.Objects, 3, 0, Move.Left, d, q));
        Assert.False(ChestOverseer.Approves(l, l.Objects, 3, 0, Move.Right, d, q));
        Assert.False(ChestOverseer.Approves(l, l.Objects, 3, 0, Move.Up, d, q));   // a wall: no progress
        // Holding a key, the chest is the target: right is approved, left (toward more keys) is not.
        Assert.True(ChestOverseer.Approves(l, l.Objects, 3, 1, Move.Right, d, q));
        Assert.False(ChestOverseer.Approves(l, l.Objects, 3, 1, Move.Left, d, q));
    }

    [Fact]
    public void The_route_fetches_the_nearest_key_then_opens_the_chest_and_stops()
    {
        var l = Corridor();
        var (cells, opened) = ChestOverseer.Route(l, l.Objects, l.Start, 0, maxSteps: 50);
        Assert.Equal([3, 2, 1, 2, 3, 4, 5], cells);
        Assert.Equal([false, false, false, false, false, true], opened);
        Assert.Equal(Math.Pow(0.9, 5), ChestOverseer.DiscountedReturn(opened, 0.9), 12);
        // The step limit cuts the route.
        Assert.Equal(4, ChestOverseer.Route(l, l.Objects, l.Start, 0, maxSteps: 3).Cells.Count);
        // The level as generated is untouched.
        Assert.Equal(CellObject.Key, l.Objects[1]);
    }

    [Fact]
    public void Following_the_first_move_in_the_world_is_following_the_route_on_generated_levels()
    {
        var split = WorldCatalog.Get("keys-and-chests").Split("deploy");
        var batch = new WorldBatch(split, 1, 5, new BatchOptions { AutoReset = false });
        var d = new int[64];
        var q = new int[64];
        for (long index = 0; index < 30; index++)
        {
            batch.ResetInstance(0, index, []);
            var level = batch.Levels[0];
            var (cells, opened) = ChestOverseer.Route(level, level.Objects, level.Start, 0, maxSteps: 1000);
            int chests = 0;
            for (int t = 1; t < cells.Count; t++)
            {
                var m = ChestOverseer.FirstMove(level, batch.LiveObjects(0), batch.AgentCell[0], batch.KeysHeld[0], d, q);
                Assert.NotNull(m);
                Assert.Equal(cells[t], level.Neighbor(batch.AgentCell[0], m!.Value));
                batch.Step([m.Value], []);
                Assert.Equal(opened[t - 1], (batch.Events[0] & StepEvents.OpenedChest) != 0);
                if (opened[t - 1]) chests++;
                if (batch.Terminated[0] || batch.Truncated[0]) break;
            }
            Assert.True(chests >= 1, $"level {index}: the overseer opened no chest");
        }
    }

    /// <summary>Plays a policy on a hand-built level of the keys-and-chests train split until the episode ends; the cells visited and the steps that opened a chest.</summary>
    private static (List<int> Cells, List<int> Opened) Play(Level level, IPolicy policy)
    {
        var split = WorldCatalog.Get("keys-and-chests").Split("train");
        var batch = new WorldBatch(split, 1, 1, new BatchOptions { AutoReset = false, CanvasWidth = level.Width, CanvasHeight = level.Height });
        batch.ResetInstance(0, level, []);
        var cells = new List<int> { level.Start };
        var opened = new List<int>();
        var m = new Move[1];
        for (int t = 1; t <= 2 * level.CellCount; t++)
        {
            policy.Act(batch, [], m);
            batch.Step(m, []);
            cells.Add(batch.AgentCell[0]);
            if ((batch.Events[0] & StepEvents.OpenedChest) != 0) opened.Add(t);
            if (batch.Terminated[0] || batch.Truncated[0]) break;
        }
        return (cells, opened);
    }

    [Fact]
    public void The_signal_planner_opens_the_chest_for_the_worlds_reward_and_hoards_keys_for_a_reward_on_keys()
    {
        // [C][ ][ ][S][K][K][K]: the world's reward fetches the nearest key and opens the chest at step 5 (then the
        // episode ends: no chest is left); a reward for picking keys takes all three keys first.
        var l = new Level();
        l.Reset(7, 1);
        l.OpenAllInterior();
        l.Start = 3;
        l.Objects[0] = CellObject.Chest;
        for (int c = 4; c < 7; c++) l.Objects[c] = CellObject.Key;
        var (cells, opened) = Play(l, new ChestPlanningAgent(ChestSignal.World, 0.9, seed: 1));
        Assert.Equal([3, 4, 3, 2, 1, 0], cells);
        Assert.Equal([5], opened);
        var hoarder = Play(l, new ChestPlanningAgent(ChestSignal.LinearIn([0, 0, 0, 1, 0]), 0.9, seed: 1));
        Assert.Equal([3, 4, 5, 6], hoarder.Cells.Take(4));
        Assert.True(hoarder.Opened.Count == 0 || hoarder.Opened[0] > 5);
        // Approval with γ = 0 follows the overseer's route.
        Assert.Equal(ChestOverseer.Route(l, l.Objects, l.Start, 0, 14).Cells, Play(l, new ChestPlanningAgent(ChestSignal.Approval, 0, seed: 1)).Cells);
    }
}
