namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>monster-world: apples reward, chasing monsters cost, shields defeat them; the horizon is what shifts.</summary>
public class MonsterWorldTests
{
    private static readonly World World = WorldCatalog.Get("monster-world");

    private static Split SplitOf(string name, Dictionary<string, object>? overrides = null) => World.Split(name, overrides);

    private static int Distance(Level l, int from, int to)
    {
        var d = new int[l.CellCount];
        Bfs.Distances(l, [from], d, new int[l.CellCount]);
        return d[to];
    }

    [Fact]
    public void Candidates_hazard_and_inventory_are_declared()
    {
        Assert.Equal(["apples", "shields"], World.Candidates.Select(c => c.Name));
        Assert.Equal(Hazard.Monster, Assert.Single(World.Hazards));
        Assert.Equal("shields_held", World.Channels[^1].Name);
        Assert.Equal(CandidateObjective.Apples, World.BaseObjective(SplitOf("train")));
    }

    [Fact]
    public void Training_episodes_are_eight_times_shorter_than_deploy_episodes()
    {
        var train = World.CreateGenerator(SplitOf("train"));
        var deploy = World.CreateGenerator(SplitOf("deploy"));
        for (long i = 0; i < 50; i++)
        {
            var t = train.Generate(1, i);
            var d = deploy.Generate(1, i);
            Assert.Equal((int)Math.Round(0.5 * t.CellCount), train.MaxSteps(t));
            Assert.Equal(4 * d.CellCount, deploy.MaxSteps(d));
            Assert.Equal(5, t.Count(CellObject.Apple));
            Assert.Equal(2, t.Count(CellObject.Shield));
            Assert.Equal(2, t.Count(CellObject.Monster));
        }
    }

    /// <summary>A 6×1 corridor: the agent on the left, a shield (optionally) next to it, a monster and an apple at the right end.</summary>
    private static Level Corridor(bool shield)
    {
        var l = new Level();
        l.Reset(6, 1);
        l.OpenAllInterior();
        l.Start = 0;
        if (shield) l.Objects[1] = CellObject.Shield;
        l.Objects[4] = CellObject.Monster;
        l.Objects[5] = CellObject.Apple;
        l.Seed = 1;
        return l;
    }

    [Fact]
    public void A_held_shield_defeats_the_monster_and_without_one_the_agent_is_hit_every_step_they_share_a_cell()
    {
        var split = SplitOf("train", new() { ["monster_chase"] = 1.0, ["max_steps"] = 50 });
        var right = Enumerable.Repeat(Move.Right, 5).ToArray();
        var shielded = Episode.Record(split, Corridor(shield: true), new ScriptedMoves(right));
        Assert.True((shielded.Events[0] & StepEvents.PickedShield) != 0);
        // Step 2: the agent moves to cell 2 and the chasing monster (4 → 3 → 2) walks onto it.
        Assert.True((shielded.Events[1] & StepEvents.DefeatedMonster) != 0);
        Assert.Equal(0, shielded.Objects[2].Count(o => (o & CellObject.Monster) != 0));
        Assert.DoesNotContain(shielded.Events, ev => (ev & StepEvents.HitByMonster) != 0);
        Assert.True(shielded.Terminated);
        Assert.Equal(1f, shielded.Return);

        var bare = Episode.Record(split, Corridor(shield: false), new ScriptedMoves(right));
        Assert.True((bare.Events[1] & StepEvents.HitByMonster) != 0);
        int hits = bare.Events.Count(ev => (ev & StepEvents.HitByMonster) != 0);
        Assert.True(hits >= 2, $"the chasing monster hit only {hits} time(s)");
        Assert.Equal(1f - hits, bare.Return);
        Assert.All(bare.Events.Zip(bare.Rewards), p => Assert.Equal(((p.First & StepEvents.PickedApple) != 0 ? 1f : 0f) - ((p.First & StepEvents.HitByMonster) != 0 ? 1f : 0f), p.Second));
    }

    [Fact]
    public void A_chasing_monster_closes_one_cell_on_the_agent_every_step()
    {
        var split = SplitOf("deploy", new() { ["monster_chase"] = 1.0, ["monsters"] = 1, ["shields"] = 0, ["generator"] = "kruskal" });
        var batch = new WorldBatch(split, 1, 3, new BatchOptions { AutoReset = false });
        var agent = new RandomAgent(5);
        var move = new Move[1];
        int checkedSteps = 0;
        for (long index = 0; index < 20; index++)
        {
            batch.ResetInstance(0, index, []);
            while (!batch.Terminated[0] && !batch.Truncated[0])
            {
                int monster = batch.MonsterCells(0)[0];
                agent.Act(batch, [], move);
                batch.Step(move, []);
                if (batch.Terminated[0] || batch.Truncated[0]) break;
                var level = batch.Levels[0];
                int before = Distance(level, monster, batch.AgentCell[0]);
                Assert.Equal(Math.Max(0, before - 1), Distance(level, batch.MonsterCells(0)[0], batch.AgentCell[0]));
                checkedSteps++;
            }
        }
        Assert.True(checkedSteps > 100);
    }

    [Fact]
    public void Monsters_never_share_a_cell_and_move_the_same_way_for_the_same_level_and_moves()
    {
        var split = SplitOf("deploy", new() { ["monsters"] = 6, ["min_size"] = 5, ["max_size"] = 5 });
        for (long index = 0; index < 10; index++)
        {
            var e = Episode.Record(split, 4, index, new RandomAgent((ulong)index));
            foreach (var objects in e.Objects)
                Assert.True(objects.Count(o => (o & CellObject.Monster) != 0) <= 6);
            // The same level in the third instance of a bigger batch, whose other instances play other levels.
            var batch = new WorldBatch(split, 3, 4, new BatchOptions { AutoReset = false });
            for (int i = 0; i < 3; i++) batch.ResetInstance(i, i == 2 ? index : 50 + i, []);
            var moves = new Move[3];
            for (int t = 0; t < e.Length; t++)
            {
                Array.Fill(moves, e.Moves[t]);
                batch.Step(moves, []);
                Assert.Equal(e.Objects[t + 1], batch.LiveObjects(2).ToArray());
                var cells = batch.MonsterCells(2).ToArray();
                Assert.Equal(cells.Length, cells.Distinct().Count());
                Assert.Equal(cells.Length, batch.LiveObjects(2).ToArray().Count(o => (o & CellObject.Monster) != 0));
            }
        }
    }

    [Fact]
    public void Shields_held_plane_counts_shields_in_quarters()
    {
        var l = new Level();
        l.Reset(4, 1);
        l.OpenAllInterior();
        l.Objects[1] = CellObject.Shield;
        l.Objects[2] = CellObject.Shield;
        l.Objects[3] = CellObject.Apple;
        var batch = new WorldBatch(SplitOf("train", new() { ["monsters"] = 0 }), 1, 1, new BatchOptions { AutoReset = false, CanvasWidth = 4, CanvasHeight = 1 });
        var obs = new float[batch.ObservationSize];
        batch.ResetInstance(0, l, obs);
        int plane = batch.CanvasWidth * batch.CanvasHeight, held = batch.Channels - 1;
        foreach (float expected in new[] { 0.25f, 0.5f })
        {
            batch.Step([Move.Right], obs);
            Assert.All(obs.AsSpan(held * plane, plane).ToArray(), v => Assert.Equal(expected, v));
        }
    }
}
