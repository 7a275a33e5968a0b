namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>Settings records refuse invalid values with one sentence naming the field and the allowed values.</summary>
public class SettingsTests
{
    [Fact]
    public void InvalidCombinationsAreRefused()
    {
        var e = Assert.Throws<UserError>(() => new PpoSettings { NumEnvs = 6, NumSteps = 5, Minibatches = 4 }.Validate("exp.yaml"));
        Assert.Contains("ppo.minibatches (4) must divide", e.Message);
        Assert.Contains("exp.yaml", Assert.Throws<UserError>(() => new PpoSettings { Gamma = 1.5 }.Validate("exp.yaml")).Message);
        Assert.Contains("one of maze, mlp", Assert.Throws<UserError>(() => new NetworkSettings { Kind = "transformer" }.Validate("exp.yaml")).Message);
        Assert.Empty(new PpoSettings().Check());
        Assert.Empty(new NetworkSettings().Check());
    }

    [Fact]
    public void TheMazeNetworkRunsMorePropagationStepsOnBiggerCanvases()
    {
        var n = new NetworkSettings();
        Assert.True(n.IterationsFor(12, 12) > n.IterationsFor(7, 7));
        Assert.Equal(5, (n with { Iterations = 5 }).IterationsFor(30, 30));
    }
}
