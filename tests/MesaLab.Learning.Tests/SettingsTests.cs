namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>Settings bind from text by their snake_case names; mistakes name the field, the place and the allowed values.</summary>
public class SettingsTests
{
    [Fact]
    public void FieldsBindBySnakeCaseName()
    {
        var s = Settings.Bind(new PpoSettings(), [("learning_rate", "0.0005", "a.yaml:3"), ("num_envs", "8", "a.yaml:4"), ("target_kl", "0.02", "a.yaml:5"), ("anneal_lr", "false", "a.yaml:6")], "ppo");
        Assert.Equal(0.0005, s.LearningRate);
        Assert.Equal(8, s.NumEnvs);
        Assert.Equal(0.02, s.TargetKl);
        Assert.False(s.AnnealLr);
        Assert.Equal(new PpoSettings().Gamma, s.Gamma);
    }

    [Fact]
    public void AnUnknownFieldNamesTheFieldThePlaceAndTheAllowedFields()
    {
        var e = Assert.Throws<UserError>(() => Settings.Bind(new PpoSettings(), [("learning_rat", "0.1", "exp.yaml line 7")], "ppo"));
        Assert.Contains("exp.yaml line 7", e.Message);
        Assert.Contains("'learning_rat'", e.Message);
        Assert.Contains("learning_rate", e.Message);
    }

    [Fact]
    public void AnUnparsableValueSaysWhatItMustBe()
    {
        var e = Assert.Throws<UserError>(() => Settings.Bind(new NetworkSettings(), [("channels", "lots", "exp.yaml line 9")], "network"));
        Assert.Contains("network.channels is 'lots', but it must be an integer", e.Message);
    }

    [Fact]
    public void InvalidCombinationsAreRefused()
    {
        var e = Assert.Throws<UserError>(() => new PpoSettings { NumEnvs = 6, NumSteps = 5, Minibatches = 4 }.Validate("exp.yaml"));
        Assert.Contains("ppo.minibatches (4) must divide", e.Message);
        Assert.Contains("exp.yaml", Assert.Throws<UserError>(() => new PpoSettings { Gamma = 1.5 }.Validate("exp.yaml")).Message);
        Assert.Contains("one of maze, mlp", Assert.Throws<UserError>(() => new NetworkSettings { Kind = "transformer" }.Validate("exp.yaml")).Message);
    }

    [Fact]
    public void TheMazeNetworkRunsMorePropagationStepsOnBiggerCanvases()
    {
        var n = new NetworkSettings();
        Assert.True(n.IterationsFor(12, 12) > n.IterationsFor(7, 7));
        Assert.Equal(5, (n with { Iterations = 5 }).IterationsFor(30, 30));
    }
}
