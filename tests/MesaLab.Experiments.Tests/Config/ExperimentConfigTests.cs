namespace MesaLab.Experiments.Tests.Config;

using System.ComponentModel.DataAnnotations;
using MesaLab.Experiments;
using MesaLab.Worlds;

public enum TestSchedule
{
    Constant,
    LinearDecay,
}

/// <summary>A settings record shaped like the learning layer's (init properties with defaults).</summary>
[ConfigSection("test_ppo")]
public sealed record TestPpo
{
    [Range(1e-8, 1.0)] public double LearningRate { get; init; } = 2.5e-4;
    public int Epochs { get; init; } = 4;
    public long TotalSteps { get; init; } = 100_000;
    public bool NormalizeAdvantages { get; init; } = true;
    public TestSchedule Schedule { get; init; } = TestSchedule.LinearDecay;
    public string Activation { get; init; } = "relu";
    public int? Seed { get; init; }
    public IReadOnlyList<int> Channels { get; init; } = [16, 32];
    public TestNested Clip { get; init; } = new();
}

public sealed record TestNested
{
    public double Coef { get; init; } = 0.2;
    public bool ValueToo { get; init; }
}

/// <summary>A positional record with a cross-field check.</summary>
[ConfigSection("test_budget")]
public sealed record TestBudget(int Envs = 8, int Steps = 128, int Minibatches = 4) : ICheckedSettings
{
    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (Envs * Steps % Minibatches != 0) yield return ("minibatches", $"must divide envs × steps ({Envs * Steps})");
    }
}

public sealed class ExperimentConfigTests
{
    /// <summary>The experiment's sections plus the two test sections above.</summary>
    internal static readonly IReadOnlyDictionary<string, Type> Sections =
        new Dictionary<string, Type>(ExperimentSections.All) { ["test_ppo"] = typeof(TestPpo), ["test_budget"] = typeof(TestBudget) };

    private static ExperimentConfig Yaml(string text, params string[] sets) =>
        ExperimentConfig.Parse(text, "exp.yaml", sets.Select(ConfigOverride.Parse), Sections);

    private static UserError Error(string text, params string[] sets) => Assert.Throws<UserError>(() => Yaml(text, sets));

    [Fact]
    public void No_file_gives_the_embedded_defaults()
    {
        var c = ExperimentConfig.Load(null, sections: Sections);
        Assert.Equal("green-arrow-maze", c.World.Name);
        Assert.Equal("green-arrow-maze", c.Name);
        Assert.Equal(1, c.Seed);
        Assert.Equal(2, c.Threads);
        Assert.Equal(c.World.Split("train").Fingerprint(), c.TrainSplit.Fingerprint());
        Assert.Equal(c.World.Split("deploy").Fingerprint(), c.DeploySplit.Fingerprint());
        var ppo = c.Section<TestPpo>("test_ppo");
        Assert.Equal(new TestPpo() with { Channels = [] }, ppo with { Channels = [] });
        Assert.Equal([16, 32], ppo.Channels);
    }

    [Fact]
    public void Sections_bind_snake_case_keys_to_typed_records_keeping_unmentioned_defaults()
    {
        var c = Yaml("""
            test_ppo:
              learning_rate: 0.001
              total_steps: 2e6
              schedule: constant
              normalize_advantages: no
              seed: 5
              channels: [8, 8, 16]
              clip:
                value_too: true
            test_budget: { envs: 16 }
            """);
        var p = c.Section<TestPpo>("test_ppo");
        Assert.Equal(0.001, p.LearningRate);
        Assert.Equal(2_000_000, p.TotalSteps);
        Assert.Equal(TestSchedule.Constant, p.Schedule);
        Assert.False(p.NormalizeAdvantages);
        Assert.Equal(5, p.Seed);
        Assert.Equal([8, 8, 16], p.Channels);
        Assert.True(p.Clip.ValueToo);
        Assert.Equal(0.2, p.Clip.Coef);
        Assert.Equal(4, p.Epochs);
        Assert.Equal(new TestBudget(16, 128, 4), c.Section<TestBudget>("test_budget"));
    }

    [Fact]
    public void Unknown_fields_name_file_line_path_and_the_allowed_fields()
    {
        var e = Error("seed: 3\ntest_ppo:\n  learnin_rate: 0.1\n");
        Assert.StartsWith("exp.yaml:3: unknown field 'test_ppo.learnin_rate' (did you mean 'learning_rate'?)", e.Message);
        Assert.Contains("epochs", e.Message);
        var top = Error("wrold: green-arrow-maze\n");
        Assert.StartsWith("exp.yaml:1: unknown field 'wrold' (did you mean 'world'?)", top.Message);
        Assert.Contains("test_ppo", top.Message); // registered sections are listed as allowed
    }

    [Fact]
    public void Invalid_values_name_the_expected_type_or_allowed_values()
    {
        Assert.Equal("exp.yaml:2: test_ppo.learning_rate is 'fast', but it must be a number.", Error("test_ppo:\n  learning_rate: fast\n").Message);
        Assert.Equal("exp.yaml:2: test_ppo.schedule is 'cosine', but it must be one of constant, linear_decay.", Error("test_ppo:\n  schedule: cosine\n").Message);
        Assert.Equal("exp.yaml:2: test_ppo.epochs is '2.5', but it must be a whole number (32-bit).", Error("test_ppo:\n  epochs: 2.5\n").Message);
        Assert.Equal("exp.yaml:2: test_ppo.learning_rate is '3', but it must be a number from 1E-08 to 1.", Error("test_ppo:\n  learning_rate: 3\n").Message);
        Assert.Contains("exp.yaml:4: test_ppo.channels[1] is 'x'", Error("test_ppo:\n  channels:\n    - 4\n    - x\n").Message);
        Assert.Equal("exp.yaml:1: test_budget.minibatches: must divide envs × steps (1000).", Error("test_budget: { envs: 10, steps: 100, minibatches: 3 }\n").Message);
        Assert.Contains("exp.yaml:1: seed is '-1'", Error("seed: -1\n").Message);
        Assert.Contains("exp.yaml:1: unknown world 'maze'; the worlds are green-arrow-maze", Error("world: maze\n").Message);
        Assert.StartsWith("exp.yaml: this is not valid YAML", Error("a: [1, 2\nb: 3\n").Message);
        Assert.StartsWith("exp.yaml:2: this is not valid YAML", Error("a: 1\n b: 3\n").Message);
        Assert.StartsWith("exp.yaml:2: this is not valid YAML (Duplicate key", Error("seed: 1\nseed: 2\n").Message);
    }

    [Fact]
    public void World_parameters_apply_to_every_split_and_splits_are_defined_from_a_base()
    {
        var c = Yaml("""
            world_parameters:
              goal: arrow
            splits:
              deploy-huge:
                base: deploy
                min_size: 16
                max_size: 24
              mid: { base: deploy-huge, max_size: 18, description: between }
            deploy_split: deploy-huge
            """);
        Assert.Equal("arrow", c.TrainSplit.Choice("goal"));
        Assert.Equal(6, c.TrainSplit.Int("max_size"));
        Assert.Equal("deploy-huge", c.DeploySplit.Name);
        Assert.Equal((16, 24, "distinguishing", "arrow"), (c.DeploySplit.Int("min_size"), c.DeploySplit.Int("max_size"), c.DeploySplit.Choice("arrow"), c.DeploySplit.Choice("goal")));
        var mid = c.Split("mid");
        Assert.Equal((16, 18, "distinguishing"), (mid.Int("min_size"), mid.Int("max_size"), mid.Choice("arrow")));
        Assert.Equal(["train", "deploy", "deploy-huge", "mid"], c.SplitNames);
    }

    [Fact]
    public void Split_errors_point_at_the_offending_line()
    {
        var bad = Error("splits:\n  big:\n    base: deploy\n    max_size: 999\n");
        Assert.StartsWith("exp.yaml:4:", bad.Message);
        Assert.Contains("max_size", bad.Message);
        Assert.Contains("an integer from 2 to 64", bad.Message);
        var unknownParam = Error("splits:\n  big:\n    base: deploy\n    max_sise: 9\n");
        Assert.StartsWith("exp.yaml:4: unknown field 'splits.big.max_sise' (did you mean 'max_size'?)", unknownParam.Message);
        Assert.Contains("exp.yaml:3: splits.big.base is 'nowhere'", Error("splits:\n  big:\n    base: nowhere\n").Message);
        Assert.Contains("min_size (20) must not exceed max_size (10)", Error("splits:\n  big:\n    base: deploy\n    min_size: 20\n").Message);
        Assert.Contains("exp.yaml:1: world 'green-arrow-maze' has no split 'tarin'", Error("train_split: tarin\n").Message);
        Assert.Contains("is its own base", Error("splits:\n  a: { base: b }\n  b: { base: a }\n").Message);
        Assert.StartsWith("exp.yaml:2: split 'deploy' is built into world 'green-arrow-maze'", Error("splits:\n  deploy: { max_size: 20 }\n").Message);
        Assert.Contains("exp.yaml:2: world_parameters.goal", Error("world_parameters:\n  goal: cheese\n").Message);
    }

    [Fact]
    public void Command_line_overrides_apply_on_top_with_the_same_validation()
    {
        var c = Yaml("seed: 3\ntest_ppo:\n  epochs: 8\n", "test_ppo.learning_rate=0.01", "seed=9", "world_parameters.max_steps=50", "splits.small={base: train, max_size: 5}");
        Assert.Equal(9, c.Seed);
        var p = c.Section<TestPpo>("test_ppo");
        Assert.Equal((0.01, 8), (p.LearningRate, p.Epochs));
        Assert.Equal(50, c.TrainSplit.Int("max_steps"));
        Assert.Equal(5, c.Split("small").Int("max_size"));
        Assert.Equal(4, Yaml("splits:\n  tiny: { max_size: 4 }\n").Split("tiny").Int("max_size")); // base defaults to train
        Assert.Equal("on_exit", Yaml("splits:\n  tiny: { max_size: 4 }\n").Split("tiny").Choice("arrow"));
        Assert.Equal("--set test_ppo.epochs=many: test_ppo.epochs is 'many', but it must be a whole number (32-bit).", Error("", "test_ppo.epochs=many").Message);
        Assert.StartsWith("--set test_ppo.epoch=3: unknown field 'test_ppo.epoch'", Error("", "test_ppo.epoch=3").Message);
        Assert.Contains("must have the form path=value", Assert.Throws<UserError>(() => ConfigOverride.Parse("seed")).Message);
        var world = Assert.Throws<UserError>(() => ExperimentConfig.Load(null, [ConfigOverride.Option("world", "nope", "--world")]));
        Assert.StartsWith("--world nope: unknown world 'nope'", world.Message);
    }

    [Fact]
    public void The_effective_yaml_reproduces_the_configuration_with_section_defaults_written_out()
    {
        var c = Yaml("name: exp\nseed: 4\nworld_parameters: { goal: arrow }\nsplits:\n  big: { base: deploy, max_size: 20 }\ntest_ppo:\n  activation: \"yes\"\n  learning_rate: 0.003\n");
        string yaml = c.ToYaml();
        Assert.Contains("epochs: 4", yaml); // a default, written out so that changing code defaults cannot change a stored run
        var again = ExperimentConfig.Parse(yaml, "stored", sections: Sections);
        Assert.Equal(c.Section<TestPpo>("test_ppo") with { Channels = [] }, again.Section<TestPpo>("test_ppo") with { Channels = [] });
        Assert.Equal("yes", again.Section<TestPpo>("test_ppo").Activation);
        Assert.Equal(c.Section<TestPpo>("test_ppo").Channels, again.Section<TestPpo>("test_ppo").Channels);
        Assert.Equal(c.Split("big").Fingerprint(), again.Split("big").Fingerprint());
        Assert.Equal(c.TrainSplit.Fingerprint(), again.TrainSplit.Fingerprint());
        Assert.Equal((c.Name, c.Seed, c.Threads), (again.Name, again.Seed, again.Threads));
        Assert.Equal(yaml, again.ToYaml());
    }

    [Fact]
    public void The_example_config_loads()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "MesaLab.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        var c = ExperimentConfig.Load(Path.Combine(dir, "configs", "green-arrow-maze.yaml"));
        Assert.Equal("green-arrow-maze", c.World.Name);
        Assert.Equal(0.02, c.Split("train-randomized-2pct").Real("randomized_fraction"));
        Assert.Equal(6, c.Split("deploy-same-size").Int("max_size"));
        Assert.Equal("distinguishing", c.Split("deploy-same-size").Choice("arrow"));
    }

    [Theory]
    [InlineData("cheese-on-a-dish", "deploy-noise")]
    [InlineData("follow-the-leader", "deploy-penalized")]
    [InlineData("lava-land", "deploy-noise")]
    [InlineData("monster-world", "deploy-mazes")]
    public void The_catalogue_configs_load_and_every_split_generates_levels(string world, string extraSplit)
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "MesaLab.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        var c = ExperimentConfig.Load(Path.Combine(dir, "configs", world + ".yaml"));
        Assert.Equal(world, c.World.Name);
        Assert.Contains(extraSplit, c.SplitNames);
        foreach (var name in c.SplitNames)
        {
            var split = c.Split(name);
            var gen = split.World.CreateGenerator(split);
            for (long i = 0; i < 20; i++)
                foreach (var cand in split.World.Candidates)
                    Assert.NotEqual(Bfs.Unreachable, Bfs.ShortestPathLength(gen.Generate((ulong)c.Seed, i), cand));
        }
    }

    [Fact]
    public void Train_on_tree_mazes_and_deploy_on_noise_mazes_is_a_split_definition()
    {
        var config = ExperimentConfig.Parse("""
            world: cheese-corner-maze
            splits:
              deploy-noise: { base: deploy, generator: noise, description: noise terrain instead of perfect mazes }
            deploy_split: deploy-noise
            """, "test.yaml");
        var train = config.TrainSplit.World.CreateGenerator(config.TrainSplit);
        var deploy = config.DeploySplit.World.CreateGenerator(config.DeploySplit);
        int blocked = 0;
        for (long i = 0; i < 50; i++)
        {
            var t = train.Generate(1, i);
            Assert.Equal(t.CellCount - 1, t.PassageCount());
            var d = deploy.Generate(1, i);
            for (int c = 0; c < d.CellCount; c++) if (d.IsEnclosed(c)) blocked++;
            Assert.NotEqual(Bfs.Unreachable, Bfs.ShortestPathLength(d, CandidateObjective.Cheese));
        }
        Assert.True(blocked > 50, $"deploy levels have only {blocked} blocks in 50 levels");
        Assert.Contains("generator=noise", config.DeploySplit.Fingerprint());
    }

    [Fact]
    public void Missing_file_is_a_user_error()
    {
        Assert.Equal("config file 'no/such.yaml' does not exist.", Assert.Throws<UserError>(() => ExperimentConfig.Load("no/such.yaml")).Message);
    }

    [Theory]
    [InlineData("LearningRate", "learning_rate")]
    [InlineData("GaeLambda", "gae_lambda")]
    [InlineData("MaxKL", "max_kl")]
    [InlineData("Conv3Channels", "conv3_channels")]
    [InlineData("HTMLReport", "html_report")]
    public void Property_names_map_to_snake_case(string property, string key) => Assert.Equal(key, ConfigBinder.SnakeCase(property));
}
