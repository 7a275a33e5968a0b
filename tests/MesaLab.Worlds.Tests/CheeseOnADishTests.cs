namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>cheese-on-a-dish: the dish is a landmark that marks the cheese in train and not in deploy.</summary>
public class CheeseOnADishTests
{
    private static readonly World World = WorldCatalog.Get("cheese-on-a-dish");

    private static IEnumerable<Level> Levels(string split, int count, Dictionary<string, object>? overrides = null)
    {
        var s = World.Split(split, overrides);
        var gen = World.CreateGenerator(s);
        for (long i = 0; i < count; i++) yield return gen.Generate(4, i);
    }

    private static int Distance(Level l, int from, int to)
    {
        var d = new int[l.CellCount];
        Bfs.Distances(l, [from], d, new int[l.CellCount]);
        return d[to];
    }

    [Fact]
    public void Cheese_lies_on_the_dish_in_train_and_within_dish_radius_moves_when_asked()
    {
        foreach (var l in Levels("train", 200))
        {
            Assert.Equal(l.Find(CellObject.Dish), l.Find(CellObject.Cheese));
            Assert.NotEqual(l.Start, l.Find(CellObject.Dish));
        }
        int off = 0;
        foreach (var l in Levels("train", 200, new() { ["dish_radius"] = 2 }))
        {
            int dish = l.Find(CellObject.Dish), cheese = l.Find(CellObject.Cheese);
            Assert.InRange(Distance(l, dish, cheese), 0, 2);
            if (dish != cheese) off++;
        }
        Assert.True(off > 100, $"with dish_radius 2 only {off} of 200 cheeses left the dish");
    }

    [Fact]
    public void Deploy_cheese_is_off_the_dish_and_off_every_shortest_way_to_it()
    {
        var relative = new HashSet<(int, int)>();
        foreach (var l in Levels("deploy", 300))
        {
            int dish = l.Find(CellObject.Dish), cheese = l.Find(CellObject.Cheese);
            Assert.NotEqual(dish, cheese);
            Assert.NotEqual(l.Start, cheese);
            Assert.NotEqual(Distance(l, l.Start, dish), Distance(l, l.Start, cheese) + Distance(l, cheese, dish));
            relative.Add((l.X(cheese) - l.X(dish), l.Y(cheese) - l.Y(dish)));
        }
        Assert.True(relative.Count > 40, "the cheese should land in many places relative to the dish");
    }

    [Fact]
    public void Dish_seeker_earns_everything_in_train_and_nothing_in_deploy()
    {
        var dish = new ShortestPathAgent(CandidateObjective.Dish);
        Assert.Equal(1.0, Playthrough.Run(World.Split("train"), dish, 100, 1).MeanReturn, 9);
        var deploy = Playthrough.Run(World.Split("deploy"), dish, 100, 1);
        Assert.Equal(0.0, deploy.MeanReturn, 9);
        Assert.Equal(1.0, deploy.Candidates.Single(c => c.Candidate == "dish").ReachedShare, 9);
        Assert.Equal(1.0, Playthrough.Run(World.Split("deploy"), new ShortestPathAgent(CandidateObjective.Cheese), 100, 1).MeanReturn, 9);
    }

    [Fact]
    public void Randomized_fraction_moves_the_cheese_off_the_dish_on_that_share_of_train_levels()
    {
        var levels = Levels("train", 2000, new() { ["randomized_fraction"] = 0.1 }).ToList();
        double share = levels.Count(l => l.Randomized) / 2000.0;
        Assert.InRange(share, 0.1 - 4 * Math.Sqrt(0.09 / 2000), 0.1 + 4 * Math.Sqrt(0.09 / 2000));
        Assert.All(levels.Where(l => !l.Randomized), l => Assert.Equal(l.Find(CellObject.Dish), l.Find(CellObject.Cheese)));
        Assert.True(levels.Count(l => l.Randomized && l.Find(CellObject.Dish) != l.Find(CellObject.Cheese)) > 150);
    }
}
