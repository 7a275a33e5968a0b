namespace MesaLab.Quantilizers.Tests;

using MesaLab.Quantilizers;
using MesaLab.Learning;

[Collection(nameof(TorchSerial))]
public class BehaviourCloningTests
{
    // Determinism is promised per thread count, so the tests fix it rather than inherit the machine's default.
    public BehaviourCloningTests() => TorchSetup.SetThreads(1);

    /// <summary>
    /// The clone imitates the demonstrator on 40 levels it never saw (2 520 states). Measured at seed 3 with one
    /// thread: mode agreement 66.8 % (chance 29.2 %), sampled agreement 51.0 % (chance 25 %; the demonstrator
    /// itself wanders or hesitates a quarter of the time, so even a perfect clone stays near 80 %). The earlier
    /// "flaky" failure was a libtorch crash inside TorchSharp's Adam, whose message "Expected false to be true"
    /// reads like an assertion (see ScalarSafeAdam); these numbers are identical from run to run.
    /// </summary>
    [Fact]
    public void Cloned_policy_agrees_with_the_demonstrator_well_above_chance_on_held_out_levels()
    {
        var gardens = GardenTests.Gardens();
        var train = gardens.Take(80, 1_000_000);
        var heldOut = gardens.Take(40, 2_000_000);
        using var clone = ClonedPolicy.Train(train, heldOut, new DemonstratorSettings(), new BehaviourCloningSettings(Epochs: 8), seed: 3);
        var r = clone.Report;
        Assert.True(r.HeldOutStates > 2000);
        Assert.True(r.ModeAgreement > r.ModeChance + 0.3, $"mode agreement {r.ModeAgreement:P1} vs chance {r.ModeChance:P1}");
        Assert.True(r.SampledAgreement > 0.45, $"sampled agreement {r.SampledAgreement:P1} vs chance 25 %");
        Assert.True(double.IsFinite(r.Convergence.Value), r.Convergence.ToString()); // the last epoch's relative fall of the loss
        Assert.Equal(r.Convergence.Value <= 0.02, r.Converged);
        // Its table is a proper policy on an unseen level.
        var table = clone.Table(heldOut[0]);
        Assert.Equal(heldOut[0].CellCount * 4, table.P.Length);
    }

    /// <summary>One epoch gives no plateau to judge by: cloning reports that it did not converge, and so does the curve that uses it.</summary>
    [Fact]
    public void One_epoch_of_cloning_is_reported_as_not_converged()
    {
        var gardens = GardenTests.Gardens();
        using var clone = ClonedPolicy.Train(gardens.Take(5, 1_000_000), gardens.Take(2, 2_000_000), new DemonstratorSettings(), new BehaviourCloningSettings(Epochs: 1), seed: 8);
        Assert.False(clone.Report.Converged);
        Assert.Contains("DID NOT CONVERGE", clone.Report.Convergence.ToString());
    }

    [Fact]
    public void Cloning_is_deterministic_for_a_seed_and_thread_count()
    {
        var gardens = GardenTests.Gardens();
        var train = gardens.Take(10, 1_000_000);
        var heldOut = gardens.Take(2, 2_000_000);
        var settings = new BehaviourCloningSettings(Epochs: 2);
        using var a = ClonedPolicy.Train(train, heldOut, new DemonstratorSettings(), settings, seed: 8);
        using var b = ClonedPolicy.Train(train, heldOut, new DemonstratorSettings(), settings, seed: 8);
        using var c = ClonedPolicy.Train(train, heldOut, new DemonstratorSettings(), settings, seed: 9);
        Assert.Equal(a.Report, b.Report);
        Assert.Equal(a.Table(heldOut[0]).P, b.Table(heldOut[0]).P);
        Assert.NotEqual(a.Table(heldOut[0]).P, c.Table(heldOut[0]).P);
    }
}
