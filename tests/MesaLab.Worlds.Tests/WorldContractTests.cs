namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>
/// The contract every registered world, split and level generator must keep (the Minigrid habit: one suite over every
/// environment). Worlds with a <c>generator</c> parameter are checked with each generator on each split.
/// </summary>
public class WorldContractTests
{
    public static TheoryData<string, string, string> WorldSplits()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (world, split, generator) in Cases()) data.Add(world, split, generator);
        return data;
    }

    /// <summary>Every world × built-in split × generator ("" for worlds without a generator parameter).</summary>
    internal static IEnumerable<(string World, string Split, string Generator)> Cases()
    {
        foreach (var w in WorldCatalog.All)
            foreach (var s in w.SplitNames)
            {
                if (w.Parameter("generator") is null) yield return (w.Name, s, "");
                else foreach (var g in LevelLayout.GeneratorNames) yield return (w.Name, s, g);
            }
    }

    /// <summary>A built-in split, with <paramref name="generator"/> as its level generator unless empty.</summary>
    internal static Split SplitOf(string world, string split, string generator) =>
        WorldCatalog.Get(world).Split(split, generator == "" ? null : new Dictionary<string, object> { ["generator"] = generator });

    [Theory, MemberData(nameof(WorldSplits))]
    public void Same_seed_gives_the_same_levels(string world, string split, string generator)
    {
        var s = SplitOf(world, split, generator);
        var a = s.World.CreateGenerator(s);
        var b = s.World.CreateGenerator(s);
        var reused = new Level();
        for (long i = 0; i < 30; i++)
        {
            var la = a.Generate(42, i);
            b.Generate(42, i, reused); // in place, reusing one level's arrays
            Assert.Equal(la.Width, reused.Width);
            Assert.Equal(la.Height, reused.Height);
            Assert.Equal(la.Start, reused.Start);
            Assert.Equal(la.Randomized, reused.Randomized);
            Assert.Equal(la.Walls.AsSpan(0, la.CellCount).ToArray(), reused.Walls.AsSpan(0, la.CellCount).ToArray());
            Assert.Equal(la.Objects.AsSpan(0, la.CellCount).ToArray(), reused.Objects.AsSpan(0, la.CellCount).ToArray());
        }
    }

    [Theory, MemberData(nameof(WorldSplits))]
    public void Same_seed_gives_the_same_rollouts(string world, string split, string generator)
    {
        var s = SplitOf(world, split, generator);
        var (cellsA, obsA, evA) = Rollout(s, 7, 400);
        var (cellsB, obsB, evB) = Rollout(s, 7, 400);
        Assert.Equal(cellsA, cellsB);
        Assert.Equal(evA, evB);
        Assert.Equal(obsA, obsB);
    }

    private static (List<int> Cells, List<double> ObsSums, List<StepEvents> Events) Rollout(Split s, ulong seed, int steps)
    {
        var batch = new WorldBatch(s, 4, seed);
        var obs = new float[batch.Count * batch.ObservationSize];
        var agent = new RandomAgent(seed);
        var moves = new Move[batch.Count];
        batch.Reset(obs);
        var cells = new List<int>();
        var sums = new List<double>();
        var events = new List<StepEvents>();
        for (int t = 0; t < steps; t++)
        {
            agent.Act(batch, obs, moves);
            batch.Step(moves, obs);
            for (int i = 0; i < batch.Count; i++) { cells.Add(batch.AgentCell[i]); events.Add(batch.Events[i]); }
            double sum = 0;
            for (int k = 0; k < obs.Length; k++) sum += obs[k] * (k % 97 + 1);
            sums.Add(sum);
        }
        return (cells, sums, events);
    }

    [Theory, MemberData(nameof(WorldSplits))]
    public void Observation_has_the_declared_shape_and_values_in_0_1(string world, string split, string generator)
    {
        var s = SplitOf(world, split, generator);
        var batch = new WorldBatch(s, 3, 5);
        Assert.Equal(s.World.Channels.Count, batch.Channels);
        Assert.Equal(batch.Channels * batch.CanvasWidth * batch.CanvasHeight, batch.ObservationSize);
        var obs = new float[batch.Count * batch.ObservationSize];
        batch.Reset(obs);
        var agent = new RandomAgent(1);
        var moves = new Move[batch.Count];
        int plane = batch.CanvasWidth * batch.CanvasHeight;
        for (int t = 0; t < 200; t++)
        {
            foreach (var v in obs) Assert.InRange(v, 0f, 1f);
            for (int i = 0; i < batch.Count; i++)
            {
                var o = obs.AsSpan(i * batch.ObservationSize, batch.ObservationSize);
                Assert.Equal(1, Count(o.Slice(World.AgentChannel * plane, plane)));
                Assert.Equal(batch.Levels[i].CellCount, Count(o.Slice(World.InsideChannel * plane, plane)));
            }
            agent.Act(batch, obs, moves);
            batch.Step(moves, obs);
        }

        static int Count(ReadOnlySpan<float> p) { int n = 0; foreach (var v in p) if (v == 1f) n++; return n; }
    }

    [Theory, MemberData(nameof(WorldSplits))]
    public void Every_goal_is_reachable_from_the_start(string world, string split, string generator)
    {
        var s = SplitOf(world, split, generator);
        var gen = s.World.CreateGenerator(s);
        for (long i = 0; i < 60; i++)
        {
            var level = gen.Generate(3, i);
            int n = level.CellCount;
            // Nothing on the start but what entering it does not trigger (a flower bed, the partner beside the agent).
            Assert.Equal(CellObject.None, level.Objects[level.Start] & ~(CellObject.Marked | CellObject.Partner));
            Assert.False(level.IsEnclosed(level.Start));
            foreach (var c in s.World.Candidates)
            {
                var distance = new int[n];
                Bfs.DistancesToCandidate(level, level.Objects.AsSpan(0, n), c, distance, new int[n]);
                Assert.True(distance[level.Start] != Bfs.Unreachable, $"level {i}: candidate '{c.Name}' unreachable");
                // Every goal cell, not just the nearest, can be reached from the start (lava avoided unless lava is the goal).
                var fromStart = new int[n];
                Bfs.Distances(level, [level.Start], fromStart, new int[n], level.Objects.AsSpan(0, n), Bfs.AvoidFor(c));
                for (int cell = 0; cell < n; cell++)
                    if (c.IsGoal(level, cell)) Assert.True(fromStart[cell] != Bfs.Unreachable, $"level {i}: a '{c.Name}' goal at cell {cell} is unreachable");
                Assert.NotEqual(Bfs.Unreachable, Bfs.ShortestPathLength(level, c));
            }
        }
    }

    [Theory, MemberData(nameof(WorldSplits))]
    public void Termination_and_truncation_follow_the_base_objective_and_the_step_limit(string world, string split, string generator)
    {
        var s = SplitOf(world, split, generator);
        var baseObjective = s.World.BaseObjective(s);
        var rules = s.World.Rules(s);
        var batch = new WorldBatch(s, 1, 11, new BatchOptions { AutoReset = false });
        var agent = new RandomAgent(2);
        var move = new Move[1];
        int terminatedEpisodes = 0, truncatedEpisodes = 0;
        for (long level = 0; level < 25; level++)
        {
            batch.ResetInstance(0, level, []);
            float sum = 0;
            while (true)
            {
                agent.Act(batch, [], move);
                batch.Step(move, []);
                var ev = batch.Events[0];
                sum += batch.Rewards[0];
                Assert.False(batch.Terminated[0] && batch.Truncated[0]);
                bool goal = (ev & baseObjective.Event) != 0;
                bool lava = (ev & StepEvents.EnteredLava) != 0;
                bool allCollected = baseObjective.Kind == ObjectiveKind.Collect && batch.Levels[0].CellCount > 0 &&
                    !ContainsAny(batch.LiveObjects(0), baseObjective.Counted);
                bool expectTerminal = lava || (goal && (baseObjective.Kind == ObjectiveKind.Reach || allCollected));
                Assert.Equal(expectTerminal, batch.Terminated[0]);
                float penalty = (lava ? rules.LavaPenalty : 0f) + ((ev & StepEvents.HitByMonster) != 0 ? rules.MonsterPenalty : 0f) +
                    ((ev & StepEvents.BeaconOutOfOrder) != 0 ? rules.WrongBeaconPenalty : 0f);
                Assert.Equal((goal ? 1f : 0f) - penalty, batch.Rewards[0]);
                if (batch.Terminated[0]) { terminatedEpisodes++; break; }
                if (batch.Truncated[0])
                {
                    Assert.Equal(batch.MaxSteps(0), batch.StepCount[0]);
                    Assert.True((ev & StepEvents.StepLimit) != 0);
                    truncatedEpisodes++;
                    break;
                }
                Assert.True(batch.StepCount[0] < batch.MaxSteps(0));
            }
            Assert.Equal(sum, batch.FinalReturn[0]);
            Assert.Equal(batch.StepCount[0], batch.FinalLength[0]);
        }
        Assert.Equal(25, terminatedEpisodes + truncatedEpisodes);

        static bool ContainsAny(ReadOnlySpan<CellObject> objects, CellObject o) { foreach (var x in objects) if ((x & o) != 0) return true; return false; }
    }

    [Theory, MemberData(nameof(WorldSplits))]
    public void Event_counts_equal_what_a_replay_of_the_moves_shows(string world, string split, string generator)
    {
        var s = SplitOf(world, split, generator);
        for (long index = 0; index < 10; index++)
        {
            var e = Episode.Record(s, 9, index, new ShortestPathAgent(s.World.Candidates[(int)index % s.World.Candidates.Count], 0.3, (ulong)index));
            // Replay independently: walls decide the cells, the objects present before each step decide the events.
            // Moving things (partner, monsters) are taken from the recording and checked to move at most one cell a step.
            const CellObject actors = CellObject.Partner | CellObject.Monster;
            var level = e.Level;
            int n = level.CellCount;
            var objects = e.Objects[0].ToArray();
            for (int c = 0; c < n; c++) Assert.Equal(level.Objects[c] & ~actors, objects[c] & ~actors);
            int cell = level.Start, keys = 0, shields = 0, beacon = 0, partnerBeacon = 0;
            var counts = new Dictionary<StepEvents, int>();
            for (int t = 0; t < e.Length; t++)
            {
                int to = level.Neighbor(cell, e.Moves[t]);
                Assert.Equal(to, e.Cells[t + 1]);
                var before = e.Objects[t];
                var after = e.Objects[t + 1];
                var ev = StepEvents.None;
                if (to == cell) ev |= StepEvents.BumpedWall;
                var here = objects[to];
                if ((here & CellObject.Exit) != 0) ev |= StepEvents.ReachedExit;
                if ((here & CellObject.Arrow) != 0) ev |= StepEvents.SteppedOnArrow;
                if ((here & CellObject.Cheese) != 0) ev |= StepEvents.ReachedCheese;
                if ((here & CellObject.Lava) != 0) ev |= StepEvents.EnteredLava;
                if ((here & CellObject.Marked) != 0) ev |= StepEvents.SteppedOnMarked;
                if ((here & CellObject.Dish) != 0) ev |= StepEvents.ReachedDish;
                if (to == level.Corner) ev |= StepEvents.ReachedCorner;
                if ((here & CellObject.Key) != 0) { ev |= StepEvents.PickedKey; keys++; objects[to] &= ~CellObject.Key; }
                else if ((here & CellObject.Chest) != 0 && keys > 0) { ev |= StepEvents.OpenedChest; keys--; objects[to] &= ~CellObject.Chest; }
                if ((here & CellObject.Apple) != 0) { ev |= StepEvents.PickedApple; objects[to] &= ~CellObject.Apple; }
                if ((here & CellObject.Shield) != 0) { ev |= StepEvents.PickedShield; shields++; objects[to] &= ~CellObject.Shield; }
                if ((here & CellObject.Beacon) != 0 && (here & CellObject.NextBeacon) != 0)
                {
                    ev |= StepEvents.BeaconInOrder;
                    objects[to] &= ~(CellObject.Beacon | CellObject.NextBeacon);
                    if (++beacon < level.BeaconCount) objects[level.BeaconOrder[beacon]] |= CellObject.NextBeacon;
                }
                else if ((here & CellObject.Beacon) != 0) ev |= StepEvents.BeaconOutOfOrder;
                if ((here & CellObject.PartnerBeacon) != 0)
                {
                    ev |= StepEvents.PartnerOrderBeacon;
                    objects[to] &= ~CellObject.PartnerBeacon;
                    if (++partnerBeacon < level.BeaconCount) objects[level.PartnerOrder[partnerBeacon]] |= CellObject.PartnerBeacon;
                }
                // Monsters: met where the agent arrives, then again if one walks onto it. A held shield defeats a monster
                // (it vanishes); otherwise the agent is hit. Monsters never appear, so the count says how many were defeated.
                int defeated = Count(before, CellObject.Monster) - Count(after, CellObject.Monster);
                int defeatedOnArrival = 0;
                if ((before[to] & CellObject.Monster) != 0)
                {
                    if (shields > 0) { shields--; defeatedOnArrival = 1; }
                    else ev |= StepEvents.HitByMonster;
                }
                Assert.InRange(defeated - defeatedOnArrival, 0, 1);
                if (defeated > defeatedOnArrival) { Assert.True(shields > 0); shields--; }
                if ((after[to] & CellObject.Monster) != 0) ev |= StepEvents.HitByMonster;
                if (defeated > 0) ev |= StepEvents.DefeatedMonster;
                Assert.Equal(ev, e.Events[t] & ~StepEvents.StepLimit);
                for (int c = 0; c < n; c++) objects[c] = (objects[c] & ~actors) | (after[c] & actors);
                Assert.Equal(objects, after);
                AssertActorsMoveAtMostOneCell(level, before, after, CellObject.Partner);
                AssertActorsMoveAtMostOneCell(level, before, after, CellObject.Monster);
                foreach (StepEvents flag in Enum.GetValues<StepEvents>())
                    if (flag != StepEvents.None && (ev & flag) != 0) counts[flag] = counts.GetValueOrDefault(flag) + 1;
                cell = to;
            }
            foreach (var (flag, times) in counts) Assert.Equal(times, e.Events.Count(x => (x & flag) != 0));
        }
    }

    private static int Count(CellObject[] objects, CellObject o) => objects.Count(x => (x & o) != 0);

    /// <summary>Every cell holding <paramref name="actor"/> after a step held it before, or is one open move from a cell that did.</summary>
    private static void AssertActorsMoveAtMostOneCell(Level level, CellObject[] before, CellObject[] after, CellObject actor)
    {
        for (int c = 0; c < level.CellCount; c++)
        {
            if ((after[c] & actor) == 0 || (before[c] & actor) != 0) continue;
            bool fromNeighbour = false;
            for (int m = 0; m < Moves.Count; m++)
            {
                int from = level.Neighbor(c, (Move)m);
                if (from != c && (before[from] & actor) != 0) fromNeighbour = true;
            }
            Assert.True(fromNeighbour, $"a {actor} appeared on cell {c} with none next to it before");
        }
    }

    [Theory, MemberData(nameof(WorldSplits))]
    public void Auto_reset_starts_the_next_level_and_keeps_the_finished_episode(string world, string split, string generator)
    {
        var s = SplitOf(world, split, generator);
        var batch = new WorldBatch(s, 3, 21, new BatchOptions { AutoReset = true });
        var obs = new float[batch.Count * batch.ObservationSize];
        batch.Reset(obs);
        var agent = new ShortestPathAgent(s.World.BaseObjective(s), 0.2, 4);
        var moves = new Move[batch.Count];
        long expectedNext = batch.Count;
        int ends = 0;
        var gen = s.World.CreateGenerator(s);
        var lengths = new int[batch.Count];
        for (int t = 0; t < 3000 && ends < 10; t++)
        {
            agent.Act(batch, obs, moves);
            batch.Step(moves, obs);
            for (int i = 0; i < batch.Count; i++)
            {
                lengths[i]++;
                if (!batch.Terminated[i] && !batch.Truncated[i]) continue;
                ends++;
                Assert.Equal(lengths[i], batch.FinalLength[i]);
                Assert.Equal(0, batch.StepCount[i]);
                Assert.Equal(expectedNext, batch.Levels[i].Index);
                Assert.Equal(gen.Generate(21, expectedNext).Start, batch.AgentCell[i]);
                Assert.Equal(0, batch.EpisodeLength[i]);
                expectedNext++;
                lengths[i] = 0;
            }
        }
        Assert.True(ends >= 10, $"only {ends} episodes ended");
        AssertObservationMatchesFullRewrite(batch, obs);
    }

    [Theory, MemberData(nameof(WorldSplits))]
    public void Incremental_observation_equals_a_full_rewrite_after_random_steps(string world, string split, string generator)
    {
        var s = SplitOf(world, split, generator);
        var batch = new WorldBatch(s, 4, 17, new BatchOptions { AutoReset = true });
        var obs = new float[batch.Count * batch.ObservationSize];
        batch.Reset(obs);
        // Scripted agents consume keys and chests and end episodes often; noise makes them bump and wander.
        IPolicy[] agents = [new RandomAgent(3), .. s.World.Candidates.Select(c => (IPolicy)new ShortestPathAgent(c, 0.25, 5))];
        var moves = new Move[batch.Count];
        for (int t = 0; t < 1200; t++)
        {
            agents[t / 100 % agents.Length].Act(batch, obs, moves);
            batch.Step(moves, obs);
            if (t % 37 == 0) AssertObservationMatchesFullRewrite(batch, obs);
        }
        AssertObservationMatchesFullRewrite(batch, obs);
    }

    [Fact]
    public void Observation_is_written_whole_when_a_batch_stepped_without_one_is_given_a_buffer()
    {
        var s = WorldCatalog.Get("keys-and-chests").Split("train");
        var batch = new WorldBatch(s, 2, 3);
        batch.Reset([]);
        var agent = new ShortestPathAgent(CandidateObjective.Chests, 0, 1);
        var moves = new Move[2];
        for (int t = 0; t < 10; t++) { agent.Act(batch, [], moves); batch.Step(moves, []); }
        var obs = new float[batch.Count * batch.ObservationSize];
        agent.Act(batch, obs, moves);
        batch.Step(moves, obs);
        AssertObservationMatchesFullRewrite(batch, obs);
    }

    internal static void AssertObservationMatchesFullRewrite(WorldBatch batch, float[] obs)
    {
        var full = new float[obs.Length];
        for (int i = 0; i < batch.Count; i++) batch.WriteObservation(i, full);
        for (int k = 0; k < obs.Length; k++)
            if (obs[k] != full[k])
            {
                int i = k / batch.ObservationSize, rest = k % batch.ObservationSize, plane = batch.CanvasWidth * batch.CanvasHeight;
                Assert.Fail($"instance {i}, channel {batch.World.Channels[rest / plane].Name}, pixel {rest % plane}: incremental {obs[k]} vs full {full[k]}");
            }
    }
}
