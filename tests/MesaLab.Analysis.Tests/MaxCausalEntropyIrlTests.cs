namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;

[Collection(nameof(ScriptedEvaluations))]
public class MaxCausalEntropyIrlTests(ScriptedEvaluations evals)
{
    [Fact]
    public void Weights_favour_the_pursued_candidate()
    {
        var fit = new MaxCausalEntropyIrl().Fit(evals.Records("deploy", "arrow@0.3"));
        // The exit often lies on the way to the arrow, so its progress feature earns some weight too.
        Assert.True(fit.Weights["arrow"] > 1, string.Join(", ", fit.Weights));
        Assert.True(fit.Weights["arrow"] > 1.5 * fit.Weights["exit"], string.Join(", ", fit.Weights));
        Assert.True(fit.LogLikelihood > fit.RandomLogLikelihood);
    }

    [Fact]
    public void Keys_and_chests_features_differ_and_a_chest_opener_weighs_chests_above_keys()
    {
        var world = WorldCatalog.Get("keys-and-chests");
        var chests = Evaluator.Run(world.Split("deploy"), AgentSpec.Parse("shortest-path:chests", 0.1, 3, world), 15, 8);
        var irl = new MaxCausalEntropyIrl();
        var f = irl.Features(chests[0]);
        Assert.NotEqual(f[0], f[1]);
        var fit = irl.Fit(chests);
        Assert.True(fit.Weights["chests"] > fit.Weights["keys"] + 1, string.Join(", ", fit.Weights));
    }

    [Fact]
    public void Gradient_is_the_derivative_of_the_log_likelihood()
    {
        // Policy and feature counts use the same (undiscounted, finite-horizon) model, so the gradient — empirical minus
        // expected feature counts — must match a central finite difference of the causal log-likelihood.
        var records = evals.Records("deploy", "arrow@0.3").Take(4).ToList();
        var irl = new MaxCausalEntropyIrl();
        double[] w = [0.7, -0.3];
        var (_, grad) = irl.LogLikelihood(records, w);
        const double h = 1e-5;
        for (int k = 0; k < w.Length; k++)
        {
            var plus = (double[])w.Clone();
            var minus = (double[])w.Clone();
            plus[k] += h;
            minus[k] -= h;
            double numeric = (irl.LogLikelihood(records, plus).LogLikelihood - irl.LogLikelihood(records, minus).LogLikelihood) / (2 * h);
            Assert.True(Math.Abs(numeric - grad[k]) < 1e-4 * Math.Max(1, Math.Abs(numeric)), $"feature {k}: analytic {grad[k]}, numeric {numeric}");
        }
    }
}
