namespace MesaLab.Transparency.Tests;

using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

public class LinearProbeTests
{
    public LinearProbeTests() => HandBuilt.Init();

    /// <summary>A network whose first layer's units 0..2 are x·A: the class argmax(x·A) is linearly planted there.</summary>
    private static (InspectableNetwork Network, Tensor X, int[] Labels, float[] Scalar) Planted(int n)
    {
        manual_seed(11);
        var net = Sequential(("lin1", Linear(8, 16)), ("relu", ReLU()), ("lin2", Linear(16, 4)));
        var a = randn(8, 3);
        using (no_grad())
        {
            var w = net.named_children().First(p => p.name == "lin1").module.named_parameters().First(p => p.name == "weight").parameter;
            w[TensorIndex.Slice(0, 3)] = a.t();
        }
        var x = randn(n, 8);
        var labels = x.matmul(a).argmax(1).data<long>().Select(v => (int)v).ToArray();
        var scalar = x.matmul(a[TensorIndex.Colon, 0]).data<float>().ToArray();
        return (InspectableNetwork.FromModule(net), x, labels, scalar);
    }

    [Fact]
    public void Logistic_probe_recovers_a_planted_feature_and_is_at_chance_on_shuffled_labels()
    {
        var (network, x, labels, _) = Planted(1200);
        using var cap = ActivationCapture.Capture(network, x, ["lin1"]);
        var features = FeatureMatrix.FromTensor(cap["lin1"]);
        var settings = new ProbeSettings { Iterations = 300, LearningRate = 0.1 };
        var probe = LinearProbe.FitClassifier(features, labels, 3, settings);
        var control = LinearProbe.FitClassifier(features, labels, 3, settings, shuffleLabels: true);
        Assert.True(probe.Score.Score > 0.93, $"held-out accuracy {probe.Score.Score}");
        Assert.Equal(300, probe.Score.TestSamples);
        Assert.True(Math.Abs(control.Score.Score - control.Score.Chance) < 0.1, $"shuffled-label accuracy {control.Score.Score} (chance {control.Score.Chance})");
        // Same seed, same data → same probe. libtorch's matrix products may split their work over a different number of
        // threads from one call to the next, so the loss plateau figure is compared to its fourth significant digit.
        var again = LinearProbe.FitClassifier(features, labels, 3, settings).Score;
        Assert.Equal(probe.Score with { Convergence = again.Convergence }, again);
        Assert.Equal(probe.Score.Convergence.Converged, again.Convergence.Converged);
        Assert.Equal(probe.Score.Convergence.Value, again.Convergence.Value, 1e-6);
    }

    /// <summary>
    /// Three Adam steps cannot fit the planted feature: the loss is still falling fast, so the probe reports that it did
    /// not converge; 2000 steps reach the plateau. Ridge regression is solved in closed form.
    /// </summary>
    [Fact]
    public void A_probe_reports_whether_its_fit_converged()
    {
        var (network, x, labels, scalar) = Planted(600);
        using var cap = ActivationCapture.Capture(network, x, ["lin1"]);
        var features = FeatureMatrix.FromTensor(cap["lin1"]);
        var early = LinearProbe.FitClassifier(features, labels, 3, new ProbeSettings { Iterations = 3, LearningRate = 0.1 }).Score;
        Assert.False(early.Converged, early.Convergence.ToString());
        Assert.True(early.Convergence.Value > 0.01, $"the loss still fell by {early.Convergence.Value:P1} in the last step");
        var late = LinearProbe.FitClassifier(features, labels, 3, new ProbeSettings { Iterations = 2000, LearningRate = 0.1 }).Score;
        Assert.True(late.Converged, late.Convergence.ToString());
        Assert.True(LinearProbe.FitRidge(features, scalar, new ProbeSettings()).Score.Converged);
    }

    [Fact]
    public void Ridge_probe_recovers_a_planted_scalar_and_not_a_shuffled_one()
    {
        var (network, x, _, scalar) = Planted(800);
        using var cap = ActivationCapture.Capture(network, x, ["lin1"]);
        var features = FeatureMatrix.FromTensor(cap["lin1"]);
        var s = new ProbeSettings();
        Assert.True(LinearProbe.FitRidge(features, scalar, s).Score.Score > 0.98);
        Assert.True(LinearProbe.FitRidge(features, scalar, s, shuffleLabels: true).Score.Score < 0.1);
    }

    [Fact]
    public void Wide_layers_are_reduced_without_losing_a_distributed_feature_and_direction_points_at_it()
    {
        // 2000 units; the class moves units 0..199 together (a distributed representation), the rest is noise.
        var rng = new Rng(5);
        int n = 600, d = 2000;
        var data = new float[n * d];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.Next(2);
            for (int f = 0; f < d; f++) data[i * d + f] = (float)(rng.NextDouble() - 0.5) + (f < 200 ? (labels[i] == 1 ? 0.3f : -0.3f) : 0f);
        }
        var m = new FeatureMatrix(data, n, d);
        var settings = new ProbeSettings { MaxFeatures = 64, Iterations = 200 };
        var prepared = ProbeFeatures.Prepare(m, settings);
        Assert.Equal(64, prepared.Reduced);
        var probe = LinearProbe.FitClassifier(prepared, labels, 2, settings);
        Assert.True(probe.Score.Score > 0.95, $"accuracy {probe.Score.Score}");
        var diff = probe.Direction(1).Zip(probe.Direction(0), (p, q) => p - q).ToArray();
        double planted = diff.Take(200).Average(), other = diff.Skip(200).Average(Math.Abs);
        Assert.True(planted > 5 * other, $"direction on planted units {planted}, elsewhere {other}");
        // The reduced probe scores raw activations the same way it scored its held-out rows.
        var held = m.Select(prepared.Test);
        var predicted = probe.Predict(held);
        Assert.Equal(probe.Score.Score, prepared.Test.Where((r, i) => predicted[i] == labels[r]).Count() / (double)prepared.Test.Length, 6);
    }
}

public class ProbeSplitTests
{
    [Fact]
    public void Grouped_split_holds_out_whole_levels()
    {
        var groups = Enumerable.Range(0, 100).Select(i => (long)(i / 4)).ToArray();
        var (train, test) = LinearProbe.SplitRows(groups.Length, new ProbeSettings(), groups);
        Assert.Equal(100, train.Length + test.Length);
        Assert.Empty(train.Select(r => groups[r]).Intersect(test.Select(r => groups[r])));
        Assert.InRange(test.Length, 20, 32);
        Assert.Equal(test, LinearProbe.SplitRows(groups.Length, new ProbeSettings(), groups).Test);
    }
}
