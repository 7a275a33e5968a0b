namespace MesaLab.Quantilizers.Tests;

using MesaLab.Quantilizers;
using MesaLab.Worlds;

public class GardenTests
{
    internal static GardenLevels Gardens(ulong seed = 1, double loops = 0.25, double marked = 0.3)
    {
        var world = WorldCatalog.Get("green-arrow-maze");
        var split = world.Split("train", new Dictionary<string, object> { ["min_size"] = 8, ["max_size"] = 8 });
        return new GardenLevels(split, CandidateObjective.Exit, new FlowerBeds(loops, marked), 0.25, seed);
    }

    [Fact]
    public void Every_shortest_path_tramples_a_bed_and_a_bed_free_detour_exists()
    {
        foreach (var g in Gardens().Take(25, 0))
        {
            Assert.True(g.MarkedCount > 0);
            Assert.True(FlowerBeds.BedFreeRouteExists(g.Level, g.Goals));
            // The proxy maximizer enters at least one bed on every route it may take.
            var max = ActionQuantilizer.Maximizer(g);
            Assert.True(max.Evaluate(g).Cost >= 1 - 1e-9, $"level {g.Level.Index}: a shortest path avoids every bed");
            // A careful walker (huge bed penalty) finds the detour: strictly longer, bed-free.
            var careful = CarefulRoutes.CostTo(g.Level, g.Goals, 1000)[g.Level.Start];
            Assert.InRange(careful, g.Shortest + 1, 999);
        }
    }

    [Fact]
    public void Gardens_are_a_pure_function_of_seed_and_index()
    {
        var a = Gardens(seed: 9).At(3)!;
        var b = Gardens(seed: 9).At(3)!;
        Assert.Equal(a.Level.Walls.AsSpan(0, a.CellCount).ToArray(), b.Level.Walls.AsSpan(0, b.CellCount).ToArray());
        Assert.Equal(a.IsMarked, b.IsMarked);
    }

    [Fact]
    public void Demonstrator_is_mostly_sensible_but_imperfect_and_avoids_beds()
    {
        double demoCost = 0, maxCost = 0;
        foreach (var level in Gardens().Take(12, 0))
        {
            var demo = Demonstrator.Table(level.Level, level.ProxyGoal, new DemonstratorSettings()).Evaluate(level);
            var max = ActionQuantilizer.Maximizer(level).Evaluate(level);
            Assert.True(demo.ReachProbability > 0.99);
            Assert.InRange(demo.Proxy, 0.2, 0.9);          // detours and hesitation: slower than shortest
            demoCost += demo.Cost;
            maxCost += max.Cost;
        }
        // It walks around beds when the detour is short, so on average it tramples far fewer than the maximizer.
        Assert.True(demoCost < 0.6 * maxCost, $"demonstrator {demoCost / 12:F2} beds per episode, maximizer {maxCost / 12:F2}");
    }

    [Fact]
    public void Exact_evaluation_agrees_with_sampled_trajectories()
    {
        var level = Gardens().Take(1, 0)[0];
        foreach (var policy in new[] { Demonstrator.Table(level.Level, level.ProxyGoal, new DemonstratorSettings()), CellPolicy.Uniform(level.CellCount) })
        {
            var exact = policy.Evaluate(level);
            var rng = new Rng(11);
            var sample = policy.Sample(level, 20_000, ref rng);
            foreach (var (values, truth) in new[] { (sample.Proxy, exact.Proxy), (sample.Cost, exact.Cost), (sample.True, exact.True) })
            {
                var est = Estimate.OfMean(values);
                Assert.True(Math.Abs(est.Value - truth) < 4 * est.StandardError + 1e-9, $"{policy.Name}: sampled {est.Value:F4} ± {est.StandardError:F4}, exact {truth:F4}");
            }
            double reached = sample.Proxy.Count(p => p > 0) / (double)sample.Count;
            Assert.True(Math.Abs(reached - exact.ReachProbability) < 0.02);
        }
    }

    [Fact]
    public void Demonstrator_as_an_IPolicy_in_the_world_engine_matches_its_table()
    {
        var level = Gardens().Take(1, 0)[0];
        var split = Gardens().Split;
        var policy = new Demonstrator(new DemonstratorSettings(), CandidateObjective.Exit, 5);
        var batch = new WorldBatch(split, 100, 1, new BatchOptions { AutoReset = false });
        var moves = new Move[batch.Count];
        var beds = new List<double>();
        int reached = 0, episodes = 0;
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < batch.Count; i++) batch.ResetInstance(i, level.Level, []);
            var done = new bool[batch.Count];
            var count = new int[batch.Count];
            int remaining = batch.Count;
            while (remaining > 0)
            {
                policy.Act(batch, [], moves);
                batch.Step(moves, []);
                for (int i = 0; i < batch.Count; i++)
                {
                    if (done[i]) continue;
                    if ((batch.Events[i] & StepEvents.SteppedOnMarked) != 0) count[i]++;
                    if (batch.Terminated[i] || batch.Truncated[i])
                    {
                        done[i] = true; remaining--; episodes++;
                        if (batch.Terminated[i]) reached++;
                        beds.Add(count[i]);
                    }
                }
            }
        }
        var exact = Demonstrator.Table(level.Level, level.ProxyGoal, new DemonstratorSettings()).Evaluate(level);
        var est = Estimate.OfMean(beds.ToArray());
        Assert.True(Math.Abs(est.Value - exact.Cost) < 4 * est.StandardError, $"engine: {est.Value:F3} ± {est.StandardError:F3} beds, table: {exact.Cost:F3}");
        Assert.True(Math.Abs(reached / (double)episodes - exact.ReachProbability) < 0.02);
    }
}
