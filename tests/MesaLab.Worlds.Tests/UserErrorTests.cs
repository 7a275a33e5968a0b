namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>Bad input a user can give produces one sentence naming the field and the allowed values.</summary>
public class UserErrorTests
{
    private static Dictionary<string, object> P(string k, object v) => new() { [k] = v };

    [Fact]
    public void Unknown_world_lists_the_worlds()
    {
        var e = Assert.Throws<UserError>(() => WorldCatalog.Get("mazes"));
        Assert.Contains("'mazes'", e.Message);
        foreach (var w in new[] { "green-arrow-maze", "keys-and-chests", "cheese-corner-maze", "lava-shift" }) Assert.Contains(w, e.Message);
    }

    [Fact]
    public void Unknown_split_lists_the_splits()
    {
        var e = Assert.Throws<UserError>(() => WorldCatalog.Get("lava-shift").Split("test"));
        Assert.Contains("'test'", e.Message);
        Assert.Contains("train, deploy", e.Message);
    }

    [Fact]
    public void Unknown_parameter_lists_the_parameters()
    {
        var e = Assert.Throws<UserError>(() => WorldCatalog.Get("keys-and-chests").Split("train", P("chest_prob", "0.3")));
        Assert.Contains("'chest_prob'", e.Message);
        Assert.Contains("chest_probability", e.Message);
    }

    [Theory]
    [InlineData("green-arrow-maze", "min_size", "1", "an integer from 2 to 64")]
    [InlineData("cheese-corner-maze", "max_size", "1", "an integer from 2 to 64")]
    [InlineData("lava-shift", "min_width", "3", "an integer from 5 to 64")]
    [InlineData("keys-and-chests", "chest_probability", "1.5", "a probability between 0 and 1")]
    [InlineData("keys-and-chests", "key_probability", "-0.1", "a probability between 0 and 1")]
    [InlineData("cheese-corner-maze", "randomized_fraction", "2", "a probability between 0 and 1")]
    [InlineData("cheese-corner-maze", "cheese", "left", "one of region, anywhere")]
    [InlineData("green-arrow-maze", "generator", "prim", "one of dfs, kruskal, edges, blocks, noise, open")]
    [InlineData("keys-and-chests", "passage_probability", "1.2", "a number from 0.05 to 1")]
    [InlineData("cheese-on-a-dish", "block_probability", "0.95", "a number from 0 to 0.9")]
    [InlineData("lava-land", "noise_threshold", "2", "a number from -1 to 1")]
    [InlineData("lava-land", "lava_probability", "-0.1", "a number from 0 to 0.9")]
    [InlineData("follow-the-leader", "partner_order", "random", "one of intended, misleading, reversed")]
    [InlineData("follow-the-leader", "show_next", "maybe", "true or false")]
    [InlineData("monster-world", "monster_chase", "1.5", "a probability between 0 and 1")]
    public void Values_out_of_range_name_the_field_and_the_allowed_values(string world, string field, string value, string allowed)
    {
        var e = Assert.Throws<UserError>(() => WorldCatalog.Get(world).Split("train", P(field, value)));
        Assert.Contains($"'{field}'", e.Message);
        Assert.Contains(allowed, e.Message);
    }

    [Fact]
    public void Unsatisfiable_placement_names_the_fields()
    {
        var w = WorldCatalog.Get("keys-and-chests");
        var e = Assert.Throws<UserError>(() => w.Split("train", new Dictionary<string, object> { ["min_size"] = 3, ["max_size"] = 3, ["min_chests"] = 8, ["min_keys"] = 1 }));
        Assert.Contains("min_chests", e.Message);
        Assert.Contains("min_size", e.Message);
        var p = Assert.Throws<UserError>(() => w.Split("train", new Dictionary<string, object> { ["chest_probability"] = 0.7, ["key_probability"] = 0.5 }));
        Assert.Contains("chest_probability", p.Message);
        Assert.Contains("must not exceed 1", p.Message);
        // The fullest satisfiable placement works: every cell but the start holds an object.
        var full = w.Split("train", new Dictionary<string, object> { ["min_size"] = 3, ["max_size"] = 3, ["min_chests"] = 7, ["min_keys"] = 1 });
        var level = w.CreateGenerator(full).Generate(1, 0);
        Assert.Equal(8, level.Count(CellObject.Key | CellObject.Chest));
    }

    [Fact]
    public void Cross_field_errors_name_both_fields()
    {
        var e = Assert.Throws<UserError>(() => WorldCatalog.Get("green-arrow-maze").Split("train", new Dictionary<string, object> { ["min_size"] = 9, ["max_size"] = 5 }));
        Assert.Contains("min_size", e.Message);
        Assert.Contains("max_size", e.Message);
        var beacons = Assert.Throws<UserError>(() => WorldCatalog.Get("follow-the-leader").Split("train", new Dictionary<string, object> { ["min_size"] = 2, ["beacons"] = 4 }));
        Assert.Contains("beacons", beacons.Message);
        Assert.Contains("min_size", beacons.Message);
        var crowd = Assert.Throws<UserError>(() => WorldCatalog.Get("monster-world").Split("train", new Dictionary<string, object> { ["min_size"] = 3, ["apples"] = 9 }));
        Assert.Contains("apples + shields + monsters", crowd.Message);
        var lava = Assert.Throws<UserError>(() => WorldCatalog.Get("lava-shift").Split("deploy", P("height", 4)));
        Assert.Contains("lava_shift", lava.Message);
        Assert.Contains("height", lava.Message);
    }
}
