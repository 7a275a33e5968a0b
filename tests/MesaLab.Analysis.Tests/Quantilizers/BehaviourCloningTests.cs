namespace MesaLab.Analysis.Tests.Quantilizers;

using MesaLab.Analysis.Quantilizers;

public class BehaviourCloningTests
{
    [Fact]
    public void Cloned_policy_agrees_with_the_demonstrator_well_above_chance_on_held_out_levels()
    {
        var gardens = GardenTests.Gardens();
        var train = gardens.Take(80, 1_000_000);
        var heldOut = gardens.Take(20, 2_000_000);
        using var clone = ClonedPolicy.Train(train, heldOut, new DemonstratorSettings(), new BehaviourCloningSettings(Epochs: 8), seed: 3);
        var r = clone.Report;
        Assert.True(r.HeldOutStates > 1000);
        Assert.True(r.ModeAgreement > r.ModeChance + 0.15, $"mode agreement {r.ModeAgreement:P1} vs chance {r.ModeChance:P1}");
        Assert.True(r.SampledAgreement > 0.35, $"sampled agreement {r.SampledAgreement:P1} vs chance 25 %");
        // Its table is a proper policy on an unseen level.
        var table = clone.Table(heldOut[0]);
        Assert.Equal(heldOut[0].CellCount * 4, table.P.Length);
    }

    [Fact]
    public void Cloning_is_deterministic_for_a_seed()
    {
        var gardens = GardenTests.Gardens();
        var train = gardens.Take(10, 1_000_000);
        var heldOut = gardens.Take(2, 2_000_000);
        var settings = new BehaviourCloningSettings(Epochs: 2);
        using var a = ClonedPolicy.Train(train, heldOut, new DemonstratorSettings(), settings, seed: 8);
        using var b = ClonedPolicy.Train(train, heldOut, new DemonstratorSettings(), settings, seed: 8);
        Assert.Equal(a.Table(heldOut[0]).P, b.Table(heldOut[0]).P);
    }
}
