namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>lava-land: an untrained hazard appears at deploy; it is a hazard, never a candidate objective.</summary>
public class LavaLandTests
{
    private static readonly World World = WorldCatalog.Get("lava-land");

    [Fact]
    public void Lava_is_declared_a_hazard_and_not_a_candidate_objective()
    {
        Assert.Equal(["cheese"], World.Candidates.Select(c => c.Name));
        Assert.Equal(Hazard.Lava, Assert.Single(World.Hazards));
        Assert.Contains(World.Channels, c => c.Name == "lava");
    }

    [Fact]
    public void Train_has_no_lava_and_deploy_is_the_same_level_with_lava_added()
    {
        var train = World.CreateGenerator(World.Split("train"));
        var deploy = World.CreateGenerator(World.Split("deploy"));
        int paired = 0, lava = 0, candidates = 0;
        for (long i = 0; i < 300; i++)
        {
            var t = train.Generate(6, i);
            var d = deploy.Generate(6, i);
            Assert.Equal(0, t.Count(CellObject.Lava));
            Assert.NotEqual(Bfs.Unreachable, Bfs.ShortestPathLength(d, CandidateObjective.Cheese));
            Assert.Equal(CellObject.None, d.Objects[d.Start]);
            bool same = t.Width == d.Width && t.Start == d.Start && t.Find(CellObject.Cheese) == d.Find(CellObject.Cheese) &&
                t.Walls.AsSpan(0, t.CellCount).SequenceEqual(d.Walls.AsSpan(0, d.CellCount));
            if (same) paired++;
            lava += d.Count(CellObject.Lava);
            candidates += d.CellCount - 2;
        }
        Assert.True(paired > 250, $"only {paired} of 300 deploy levels are their train level plus lava");
        Assert.InRange(lava / (double)candidates, 0.12, 0.16);
    }

    [Fact]
    public void A_path_learned_without_lava_walks_into_it_at_deploy_and_the_cheese_seeker_does_not()
    {
        var train = World.Split("train");
        var deploy = World.Split("deploy");
        var deployGen = World.CreateGenerator(deploy);
        int burnt = 0, paired = 0;
        for (long i = 0; i < 200; i++)
        {
            var learned = Episode.Record(train, 6, i, new ShortestPathAgent(CandidateObjective.Cheese));
            var level = deployGen.Generate(6, i);
            if (level.Start != learned.Level.Start || level.Find(CellObject.Cheese) != learned.Level.Find(CellObject.Cheese)) continue;
            paired++;
            var replay = Episode.Record(deploy, level, new ScriptedMoves([.. learned.Moves]));
            if ((replay.Events[^1] & StepEvents.EnteredLava) != 0)
            {
                burnt++;
                Assert.True(replay.Terminated);
                Assert.Equal(-1f, replay.Return);
            }
        }
        Assert.True(burnt > paired / 5, $"the train-optimal path crossed lava on only {burnt} of {paired} deploy levels");
        var seeker = Playthrough.Run(deploy, new ShortestPathAgent(CandidateObjective.Cheese), 200, 6);
        Assert.Equal(1.0, seeker.MeanReturn, 9);
    }

    [Fact]
    public void Randomized_training_levels_carry_deploy_lava()
    {
        var gen = World.CreateGenerator(World.Split("train", new Dictionary<string, object> { ["randomized_fraction"] = 0.2 }));
        var levels = Enumerable.Range(0, 1000).Select(i => gen.Generate(1, i)).ToList();
        Assert.InRange(levels.Count(l => l.Randomized), 150, 250);
        Assert.All(levels.Where(l => !l.Randomized), l => Assert.Equal(0, l.Count(CellObject.Lava)));
        Assert.True(levels.Where(l => l.Randomized).Average(l => l.Count(CellObject.Lava)) > 1);
    }
}
