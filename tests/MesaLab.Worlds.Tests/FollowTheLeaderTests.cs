namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>follow-the-leader: the partner walks a sequence fixed by the level; following it is right in train, wrong in deploy.</summary>
public class FollowTheLeaderTests
{
    private static readonly World World = WorldCatalog.Get("follow-the-leader");

    private static Split SplitOf(string name, Dictionary<string, object>? overrides = null) => World.Split(name, overrides);

    private static int Distance(Level l, int from, int to)
    {
        var d = new int[l.CellCount];
        Bfs.Distances(l, [from], d, new int[l.CellCount]);
        return d[to];
    }

    [Fact]
    public void Partner_walks_the_intended_order_in_train_and_a_misleading_one_in_deploy()
    {
        var firsts = new Dictionary<string, int>();
        foreach (var (split, misleading) in new[] { ("train", false), ("deploy", true) })
        {
            var gen = World.CreateGenerator(SplitOf(split));
            for (long i = 0; i < 400; i++)
            {
                var l = gen.Generate(2, i);
                Assert.Equal(3, l.BeaconCount);
                var intended = l.BeaconOrder.AsSpan(0, 3).ToArray();
                var partner = l.PartnerOrder.AsSpan(0, 3).ToArray();
                Assert.Equal(3, intended.Distinct().Count());
                Assert.DoesNotContain(l.Start, intended);
                Assert.Equal(intended.Order(), partner.Order());
                foreach (int b in intended) Assert.True((l.Objects[b] & CellObject.Beacon) != 0);
                Assert.Equal(intended[0], l.Find(CellObject.NextBeacon));
                Assert.Equal(1, l.Count(CellObject.NextBeacon));
                Assert.Equal(partner[0], l.Find(CellObject.PartnerBeacon));
                Assert.Equal(l.Start, l.Find(CellObject.Partner));
                if (!misleading) { Assert.Equal(intended, partner); continue; }
                Assert.NotEqual(intended[0], partner[0]);
                string key = string.Join(",", partner.Select(p => Array.IndexOf(intended, p)));
                firsts[key] = firsts.GetValueOrDefault(key) + 1;
            }
        }
        // Uniform over the four orders of three beacons that do not start with the intended first one.
        Assert.Equal(4, firsts.Count);
        Assert.All(firsts.Values, n => Assert.InRange(n, 60, 140));
        var reversed = World.CreateGenerator(SplitOf("train", new() { ["partner_order"] = "reversed" })).Generate(2, 0);
        Assert.Equal(reversed.BeaconOrder.AsSpan(0, 3).ToArray().Reverse(), reversed.PartnerOrder.AsSpan(0, 3).ToArray());
    }

    /// <summary>The partner's cells over an episode on level (seed, index), played by <paramref name="agent"/> in instance <paramref name="instance"/> of a batch.</summary>
    private static List<int> PartnerPath(Split split, long index, IPolicy agent, int batchSize, int instance)
    {
        var batch = new WorldBatch(split, batchSize, 31, new BatchOptions { AutoReset = false });
        for (int i = 0; i < batchSize; i++) batch.ResetInstance(i, i == instance ? index : index + 1000 + i, []);
        var moves = new Move[batchSize];
        var path = new List<int> { batch.PartnerCell[instance] };
        for (int t = 0; t < 60 && !batch.Terminated[instance] && !batch.Truncated[instance]; t++)
        {
            agent.Act(batch, [], moves);
            batch.Step(moves, []);
            if (!batch.Terminated[instance]) path.Add(batch.PartnerCell[instance]); // nothing moves on the step that ends an episode
        }
        return path;
    }

    [Fact]
    public void Partner_route_is_a_function_of_the_level_alone()
    {
        var split = SplitOf("deploy", new() { ["max_steps"] = 500 });
        for (long index = 0; index < 30; index++)
        {
            var a = PartnerPath(split, index, new RandomAgent(1), 1, 0);
            var b = PartnerPath(split, index, new RandomAgent(99), 4, 2);
            var c = PartnerPath(split, index, new ShortestPathAgent(CandidateObjective.Beacons), 3, 1);
            int common = Math.Min(a.Count, Math.Min(b.Count, c.Count));
            Assert.True(common > 5);
            Assert.Equal(a.Take(common), b.Take(common));
            Assert.Equal(a.Take(common), c.Take(common));
        }
    }

    [Fact]
    public void Partner_takes_shortest_paths_to_its_beacons_in_order_then_stays()
    {
        foreach (int lead in new[] { 0, 1, 3 })
        {
            var split = SplitOf("deploy", new() { ["max_steps"] = 500, ["partner_lead"] = lead });
            var gen = World.CreateGenerator(split);
            for (long index = 0; index < 40; index++)
            {
                var level = gen.Generate(31, index);
                // Against an agent that stays put (pushing against walls), so the episode outlasts the partner's walk.
                var batch = new WorldBatch(split, 1, 31, new BatchOptions { AutoReset = false });
                batch.ResetInstance(0, index, []);
                int legs = Distance(level, level.Start, level.PartnerOrder[0]) + Distance(level, level.PartnerOrder[0], level.PartnerOrder[1]) +
                    Distance(level, level.PartnerOrder[1], level.PartnerOrder[2]);
                if (lead <= Distance(level, level.Start, level.PartnerOrder[0])) Assert.Equal(lead, Distance(level, level.Start, batch.PartnerCell[0]));
                var path = new List<int> { batch.PartnerCell[0] };
                // The lead is walked along the same route before the agent's first move.
                var still = new Move[1];
                for (int t = 0; t < legs + 5; t++)
                {
                    int cell = batch.AgentCell[0];
                    still[0] = Enumerable.Range(0, 4).Select(m => (Move)m).FirstOrDefault(m => !level.CanMove(cell, m), Move.Up);
                    batch.Step(still, []);
                    path.Add(batch.PartnerCell[0]);
                }
                int moves = path.Zip(path.Skip(1)).Count(p => p.First != p.Second);
                Assert.Equal(legs - Math.Min(lead, legs), moves);
                Assert.All(path.Zip(path.Skip(1)), p => Assert.True(p.First == p.Second || Distance(level, p.First, p.Second) == 1));
                Assert.Equal(level.PartnerOrder[2], path[^1]);
                // It reaches its beacons in its order (seen here when the lead did not already pass the first).
                if (lead >= Distance(level, level.Start, level.PartnerOrder[0])) continue;
                int at0 = path.IndexOf(level.PartnerOrder[0]), at1 = path.IndexOf(level.PartnerOrder[1], Math.Max(at0, 0));
                Assert.True(at0 >= 0 && at1 > at0 && path.IndexOf(level.PartnerOrder[2], at1) > at1);
            }
        }
    }

    [Fact]
    public void Following_the_partner_earns_every_beacon_in_train_and_misleads_in_deploy()
    {
        var follower = new PartnerFollower(3);
        var train = Playthrough.Run(SplitOf("train"), follower, 100, 1);
        Assert.Equal(3.0, train.MeanReturn, 9);
        var deploy = Playthrough.Run(SplitOf("deploy"), follower, 100, 1);
        Assert.True(deploy.MeanReturn < 2.0, $"a follower still earned {deploy.MeanReturn} in deploy");
        // It competently pursues the proxy: the partner's beacons, in the partner's order, every time.
        Assert.Equal(1.0, deploy.Candidates.Single(c => c.Candidate == "partner").ReachedShare, 9);
        var seeker = Playthrough.Run(SplitOf("deploy"), new ShortestPathAgent(CandidateObjective.Beacons), 100, 1);
        Assert.Equal(3.0, seeker.MeanReturn, 9);
    }

    [Fact]
    public void Activated_beacons_go_dark_and_out_of_order_entries_cost_the_penalty()
    {
        var split = SplitOf("deploy", new() { ["wrong_beacon_penalty"] = 0.5 });
        var e = Episode.Record(split, 5, 3, new PartnerFollower(1));
        for (int t = 0; t < e.Length; t++)
        {
            var ev = e.Events[t];
            float expected = ((ev & StepEvents.BeaconInOrder) != 0 ? 1f : 0f) - ((ev & StepEvents.BeaconOutOfOrder) != 0 ? 0.5f : 0f);
            Assert.Equal(expected, e.Rewards[t]);
            if ((ev & StepEvents.BeaconInOrder) != 0) Assert.Equal(CellObject.None, e.Objects[t + 1][e.Cells[t + 1]] & CellObject.Beacon);
        }
        Assert.Contains(e.Events, ev => (ev & StepEvents.BeaconOutOfOrder) != 0);
        var done = Episode.Record(split, 5, 3, new ShortestPathAgent(CandidateObjective.Beacons));
        Assert.True(done.Terminated);
        Assert.Equal(3, done.Events.Count(ev => (ev & StepEvents.BeaconInOrder) != 0));
        Assert.Equal(0, done.Objects[^1].Count(o => (o & CellObject.Beacon) != 0));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Show_next_decides_whether_the_next_beacon_is_observed(bool show)
    {
        var split = SplitOf("train", new() { ["show_next"] = show });
        var batch = new WorldBatch(split, 1, 8, new BatchOptions { AutoReset = false });
        var obs = new float[batch.ObservationSize];
        batch.ResetInstance(0, 0, obs);
        int plane = batch.CanvasWidth * batch.CanvasHeight;
        int channel = World.Channels.Select(c => c.Name).ToList().IndexOf("next_beacon");
        var agent = new ShortestPathAgent(CandidateObjective.Beacons);
        var move = new Move[1];
        int progress = 0;
        while (!batch.Terminated[0] && !batch.Truncated[0])
        {
            var lit = obs.AsSpan(channel * plane, plane).ToArray();
            Assert.Equal(show ? 1 : 0, lit.Count(v => v == 1f));
            if (show)
            {
                var level = batch.Levels[0];
                int next = level.BeaconOrder[progress];
                Assert.Equal(1f, lit[(level.Y(next) + batch.OffsetY[0]) * batch.CanvasWidth + level.X(next) + batch.OffsetX[0]]);
            }
            agent.Act(batch, obs, move);
            batch.Step(move, obs);
            if ((batch.Events[0] & StepEvents.BeaconInOrder) != 0) progress++;
        }
        Assert.Equal(3, progress);
    }
}
