namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;
using YamlDotNet.RepresentationModel;

public class SplitsConfigTests
{
    [Fact]
    public void A_yaml_file_defines_new_splits_from_a_base_split()
    {
        var f = SplitsConfig.Parse("""
            world: green-arrow-maze
            splits:
              train-randomized-2pct: { base: train, randomized_fraction: 0.02 }
              deploy-huge:
                base: deploy
                description: very large mazes
                min_size: 20
                max_size: 25
              huge-randomized: { base: deploy-huge, randomized_fraction: 0.5 }
            """, "splits.yaml");
        Assert.Equal("green-arrow-maze", f.World.Name);
        var r = f.Get("train-randomized-2pct");
        Assert.Equal(0.02, r.Real("randomized_fraction"));
        Assert.Equal("on_exit", r.Choice("arrow"));
        Assert.Equal(6, r.Int("max_size"));
        var huge = f.Get("deploy-huge");
        Assert.Equal("very large mazes", huge.Description);
        Assert.Equal("distinguishing", huge.Choice("arrow"));
        Assert.Equal(25, huge.Int("max_size"));
        Assert.Equal(20, f.Get("huge-randomized").Int("min_size"));
        Assert.Equal("deploy", f.Get("deploy").Name); // built-in splits stay available
        // The defined split really generates levels of its own distribution.
        var level = huge.World.CreateGenerator(huge).Generate(1, 0);
        Assert.InRange(level.Width, 20, 25);
    }

    [Fact]
    public void The_splits_mapping_can_be_read_from_a_larger_document()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("""
            ppo: { learning_rate: 0.0005 }
            environment:
              splits:
                corner-2: { base: train, region_size: 2 }
            """));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var splits = (YamlMappingNode)((YamlMappingNode)root["environment"])["splits"];
        var defined = SplitsConfig.Read(WorldCatalog.Get("cheese-corner-maze"), splits, "experiment.yaml");
        Assert.Equal(2, defined["corner-2"].Int("region_size"));
    }

    [Theory]
    [InlineData("world: green-arrow-maze\nsplits:\n  a: { base: train, randomized_fraction: 1.5 }\n", "splits.yaml:3", "'randomized_fraction'", "a probability between 0 and 1")]
    [InlineData("world: green-arrow-maze\nsplits:\n  a: { base: train, size: 3 }\n", "splits.yaml:3", "'size'", "min_size")]
    [InlineData("world: green-arrow-maze\nsplits:\n  a:\n    base: test\n", "splits.yaml:4", "'base'", "train, deploy")]
    [InlineData("world: mazes\n", "splits.yaml:1", "'world'", "green-arrow-maze")]
    [InlineData("world: green-arrow-maze\nsplits:\n  train: { randomized_fraction: 0.1 }\n", "splits.yaml:3", "'train'", "base: train")]
    [InlineData("world: green-arrow-maze\nsplit:\n  a: {}\n", "splits.yaml:2", "'split'", "world, splits")]
    [InlineData("world: green-arrow-maze\nsplits: [a\n", "splits.yaml:", "not valid YAML", "YAML")]
    [InlineData("world: green-arrow-maze\nsplits:\n  a: { base: train, min_size: 9 }\n", "splits.yaml:3", "min_size (9)", "max_size (6)")]
    public void Errors_name_the_file_line_field_and_allowed_values(string yaml, string at, string field, string allowed)
    {
        var e = Assert.Throws<UserError>(() => SplitsConfig.Parse(yaml, "splits.yaml"));
        Assert.StartsWith(at, e.Message);
        Assert.Contains(field, e.Message);
        Assert.Contains(allowed, e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_user_error()
    {
        var e = Assert.Throws<UserError>(() => SplitsConfig.Load("/nonexistent/splits.yaml"));
        Assert.Contains("/nonexistent/splits.yaml", e.Message);
    }
}
