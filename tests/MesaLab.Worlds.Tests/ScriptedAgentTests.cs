namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>Scripted agents pursue their candidate objective exactly as competently as BFS says is possible.</summary>
public class ScriptedAgentTests
{
    public static TheoryData<string, string, string, string> WorldSplitCandidates()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var (world, split, generator) in WorldContractTests.Cases())
            foreach (var c in WorldCatalog.Get(world).Candidates) data.Add(world, split, generator, c.Name);
        return data;
    }

    [Theory, MemberData(nameof(WorldSplitCandidates))]
    public void Shortest_path_agent_first_achieves_its_candidate_in_exactly_the_BFS_distance(string world, string split, string generator, string candidate)
    {
        var w = WorldCatalog.Get(world);
        var s = WorldContractTests.SplitOf(world, split, generator);
        var c = w.RequireCandidate(candidate, "test");
        for (long index = 0; index < 25; index++)
        {
            var e = Episode.Record(s, 5, index, new ShortestPathAgent(c));
            int shortest = Bfs.ShortestPathLength(e.Level, c);
            int first = e.Events.FindIndex(ev => (ev & c.Event) != 0);
            // An agent can be stopped early only by the base objective on its way (the exit on the path to the arrow),
            // or by a step limit shorter than the way (monster-world's short training episodes).
            if (first < 0)
            {
                var baseEvent = w.BaseObjective(s).Event;
                bool endedByBase = e.Terminated && (e.Events[^1] & baseEvent) != 0;
                bool limitTooShort = e.Truncated && e.Length < shortest;
                Assert.True(endedByBase || limitTooShort, $"level {index}: {candidate} never reached");
                continue;
            }
            Assert.Equal(shortest, first + 1);
        }
    }

    [Theory]
    [InlineData("green-arrow-maze", "deploy", "arrow")]
    [InlineData("cheese-corner-maze", "deploy", "corner")]
    [InlineData("keys-and-chests", "deploy", "chests")]
    [InlineData("lava-shift", "deploy", "exit")]
    [InlineData("cheese-on-a-dish", "deploy", "dish")]
    [InlineData("follow-the-leader", "deploy", "partner")]
    [InlineData("lava-land", "train", "cheese")]
    [InlineData("monster-world", "deploy", "shields")]
    public void Noisy_agent_still_reaches_its_candidate_but_less_efficiently(string world, string split, string candidate)
    {
        var w = WorldCatalog.Get(world);
        var s = w.Split(split, new Dictionary<string, object> { ["max_steps"] = 2000 });
        var c = w.RequireCandidate(candidate, "test");
        var exact = Playthrough.Run(s, new ShortestPathAgent(c, 0, 1), 60, 3);
        var noisy = Playthrough.Run(s, new ShortestPathAgent(c, 0.2, 1), 60, 3);
        var e = exact.Candidates.Single(x => x.Candidate == candidate);
        var n = noisy.Candidates.Single(x => x.Candidate == candidate);
        Assert.True(n.ReachedShare >= 0.6, $"ε=0.2 reached {candidate} in only {n.ReachedShare:P0}");
        Assert.Equal(1.0, e.MeanRatioToShortest!.Value, 9);
        Assert.True(n.MeanRatioToShortest > 1.0);
    }

    [Fact]
    public void Noisy_agent_is_deterministic_from_its_seed_and_differs_across_seeds()
    {
        var s = WorldCatalog.Get("green-arrow-maze").Split("deploy");
        List<Move> Moves(ulong seed) => Episode.Record(s, 1, 0, new ShortestPathAgent(CandidateObjective.Exit, 0.5, seed)).Moves;
        Assert.Equal(Moves(4), Moves(4));
        Assert.NotEqual(Moves(4), Moves(5));
    }

    [Fact]
    public void Arrow_seeker_and_exit_seeker_agree_in_train_and_split_up_in_deploy()
    {
        var w = WorldCatalog.Get("green-arrow-maze");
        var trainArrow = Playthrough.Run(w.Split("train"), new ShortestPathAgent(CandidateObjective.Arrow), 100, 1);
        Assert.Equal(1.0, trainArrow.MeanReturn, 9);
        var deployArrow = Playthrough.Run(w.Split("deploy"), new ShortestPathAgent(CandidateObjective.Arrow), 100, 1);
        Assert.True(deployArrow.MeanReturn < 0.6, $"arrow-seeker return {deployArrow.MeanReturn} on deploy");
    }

    [Fact]
    public void Lava_seeker_falls_into_lava_while_the_exit_seeker_never_does()
    {
        var s = WorldCatalog.Get("lava-shift").Split("deploy");
        Assert.Equal(["exit"], s.World.Candidates.Select(c => c.Name));
        Assert.Equal(["lava"], s.World.Hazards.Select(h => h.Name));
        var exit = Playthrough.Run(s, new ShortestPathAgent(CandidateObjective.Exit), 20, 1);
        Assert.Equal(1.0, exit.MeanReturn, 9);
        var intoLava = new CandidateObjective("lava", "enter lava", ObjectiveKind.Reach, CellObject.Lava, StepEvents.EnteredLava);
        var lava = Playthrough.Run(s, new ShortestPathAgent(intoLava), 20, 1);
        Assert.Equal(-1.0, lava.MeanReturn, 9);
    }

    [Theory]
    [InlineData("keys-and-chests", "train", "chests", "")]
    [InlineData("follow-the-leader", "deploy", "beacons", "")]
    [InlineData("monster-world", "deploy", "apples", "")]
    [InlineData("lava-land", "deploy", "cheese", "noise")]
    [InlineData("cheese-on-a-dish", "deploy", "dish", "blocks")]
    [InlineData("green-arrow-maze", "deploy", "arrow", "edges")]
    public void Acting_and_stepping_allocate_nothing_in_steady_state(string world, string split, string candidate, string generator)
    {
        var s = WorldContractTests.SplitOf(world, split, generator);
        var batch = new WorldBatch(s, 8, 1);
        var agent = new ShortestPathAgent(s.World.RequireCandidate(candidate, "test"), 0.1, 1);
        IPolicy random = s.World.ObjectChannels.Any(o => o.Object == CellObject.Partner) ? new PartnerFollower(1) : new RandomAgent(1);
        var moves = new Move[8];
        var obs = new float[batch.Count * batch.ObservationSize];
        batch.Reset(obs);
        for (int t = 0; t < 200; t++) { agent.Act(batch, obs, moves); batch.Step(moves, obs); random.Act(batch, obs, moves); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 2000; t++) { agent.Act(batch, obs, moves); batch.Step(moves, obs); random.Act(batch, obs, moves); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Agent_spec_parses_known_agents_and_names_the_allowed_ones_otherwise()
    {
        var w = WorldCatalog.Get("green-arrow-maze");
        Assert.Equal("random", AgentSpec.Parse("random", 0, 1, w).Name);
        Assert.Equal("shortest-path:arrow", AgentSpec.Parse("shortest-path:arrow", 0, 1, w).Name);
        var unknown = Assert.Throws<UserError>(() => AgentSpec.Parse("greedy", 0, 1, w));
        Assert.Contains("shortest-path:exit", unknown.Message);
        var candidate = Assert.Throws<UserError>(() => AgentSpec.Parse("shortest-path:cheese", 0, 1, w));
        Assert.Contains("'cheese'", candidate.Message);
        Assert.Contains("shortest-path:arrow", candidate.Message);
        var eps = Assert.Throws<UserError>(() => AgentSpec.Parse("random", 1.5, 1, w));
        Assert.Contains("--epsilon", eps.Message);
        Assert.Equal("mixture:exit=0.3,arrow=0.7 (ε=0.1)", AgentSpec.Parse("mixture: exit=0.3, arrow=0.7", 0.1, 1, w).Name);
        Assert.Equal("mixture:exit=0.5,random=0.5", AgentSpec.Parse("mixture:exit=0.5,random=0.5", 0, 1, w).Name);
        Assert.DoesNotContain(PartnerFollower.AgentName, AgentSpec.Allowed(w));
        Assert.Throws<UserError>(() => AgentSpec.Parse("follow-partner", 0, 1, w));
        var leader = WorldCatalog.Get("follow-the-leader");
        Assert.Contains(PartnerFollower.AgentName, AgentSpec.Allowed(leader));
        Assert.IsType<PartnerFollower>(AgentSpec.Parse("follow-partner", 0, 1, leader));
    }

    [Theory]
    [InlineData("mixture:exit=0.3,arrow=0.6", "sum to 0.9, but they must sum to 1")]
    [InlineData("mixture:exit=0.3,cheese=0.7", "no candidate objective 'cheese'")]
    [InlineData("mixture:exit=x", "NAME=WEIGHT")]
    [InlineData("mixture:exit=-0.5,arrow=1.5", "NAME=WEIGHT")]
    [InlineData("mixture:exit=0.5,exit=0.5", "given twice")]
    [InlineData("mixture:", "at least one")]
    public void Mixture_spec_errors_name_the_field_and_the_allowed_values(string spec, string expected)
    {
        var e = Assert.Throws<UserError>(() => AgentSpec.Parse(spec, 0, 1, WorldCatalog.Get("green-arrow-maze")));
        Assert.Contains(expected, e.Message);
        Assert.Contains("--agent", e.Message);
    }

    [Fact]
    public void Mixture_agent_draws_goals_by_weight_per_level_whatever_the_batch_and_pursues_the_drawn_goal()
    {
        var w = WorldCatalog.Get("green-arrow-maze");
        var s = w.Split("deploy");
        var agent = (MixtureAgent)AgentSpec.Parse("mixture:exit=0.3,arrow=0.7", 0, 9, w);
        int arrows = Enumerable.Range(0, 2000).Count(i => agent.GoalOf(5, i) == "arrow");
        Assert.InRange(arrows / 2000.0, 0.67, 0.73);
        Assert.Equal(agent.GoalOf(5, 17), ((MixtureAgent)AgentSpec.Parse("mixture:exit=0.3,arrow=0.7", 0, 9, w)).GoalOf(5, 17));
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => agent.GoalOf(5, i)), Enumerable.Range(0, 50).Select(i => agent.GoalOf(6, i)));
        for (long index = 0; index < 20; index++)
        {
            // One instance after another, as a batch of 1 would play them: the drawn goal is reached in exactly its BFS distance.
            var e = Episode.Record(s, 5, index, (MixtureAgent)AgentSpec.Parse("mixture:exit=0.3,arrow=0.7", 0, 9, w));
            var goal = w.RequireCandidate(agent.GoalOf(5, index), "test");
            Assert.Equal(Bfs.ShortestPathLength(e.Level, goal), e.Events.FindIndex(ev => (ev & goal.Event) != 0) + 1);
        }
    }
}
