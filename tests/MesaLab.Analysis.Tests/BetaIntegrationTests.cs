namespace MesaLab.Analysis.Tests;

using MesaLab.Tests;
using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>The β treatment: the spline in ln β and its integral, checked against closed forms and brute-force integration.</summary>
public class BetaIntegrationTests
{
    private static readonly double Lo = Math.Log(0.1), Hi = Math.Log(30);

    private static double[] Knots(int n) => [.. Enumerable.Range(0, n).Select(i => Lo + (Hi - Lo) * i / (n - 1))];

    [Theory]
    [InlineData(0.5, 0.01)]
    [InlineData(1.2, 0.05)]
    [InlineData(-1.0, 0.4)]
    public void Integral_of_a_gaussian_peak_matches_the_closed_form_after_refinement(double mu, double sigma)
    {
        // ln L(u) = 1000 − (u − μ)² / 2σ²: ∫ exp = e^1000 · σ√(2π) when the peak lies well inside the range.
        double F(double u) => 1000 - (u - mu) * (u - mu) / (2 * sigma * sigma);
        var knots = Knots(16);
        var curve = BehavioralObjectiveInference.RefinedCurve(new BetaCurve(knots, [.. knots.Select(F)]), us => [.. us.Select(F)]);
        double expected = 1000 + Math.Log(sigma * Math.Sqrt(2 * Math.PI));
        Assert.Equal(expected, curve.LogIntegral(), 2);
        var beta = curve.BetaEstimate();
        Assert.Equal(mu, Math.Log(beta.Value), 3);
        // Profile interval: ln L within 1.92 of its maximum, i.e. μ ± σ√(2·1.92).
        double low = mu - sigma * Math.Sqrt(2 * 1.920729410347062);
        Assert.True(Math.Abs(Math.Log(beta.Low) - low) < 0.01 * Math.Max(1, sigma * 10), $"ln β low end {Math.Log(beta.Low)}, expected {low}");
    }

    [Fact]
    public void Integral_of_a_steep_edge_matches_the_closed_form()
    {
        // A likelihood that falls at 2000 nats per unit of ln β from the lowest β (a wrong candidate at many steps).
        const double slope = 2000;
        var knots = Knots(16);
        var curve = new BetaCurve(knots, [.. knots.Select(u => -slope * (u - Lo))]);
        Assert.Equal(-Math.Log(slope), curve.LogIntegral(), 4);
    }

    [Fact]
    public void Spline_reproduces_linear_functions_and_evaluation_weights_are_linear()
    {
        var knots = Knots(6);
        var curve = new BetaCurve(knots, [.. knots.Select(u => 3 * u - 1)]);
        foreach (double u in new[] { Lo, -1.3, 0.2, 2.9, Hi }) Assert.Equal(3 * u - 1, curve.At(u), 9);
        double[] y = [1, -2, 5, 0.5, 3, -1];
        var e = BetaCurve.EvaluationWeights(knots, 0.77);
        Assert.Equal(new BetaCurve(knots, y).At(0.77), e.Zip(y).Sum(p => p.First * p.Second), 9);
    }

    /// <summary>
    /// Brute force: the exact total log-likelihood on a uniform grid of <paramref name="coarse"/> points in ln β, then on
    /// <paramref name="dense"/> points across the coarse intervals around the maximum, integrated by the trapezoid rule
    /// in the log domain (the prior is uniform in ln β over the range).
    /// </summary>
    private static double BruteForce(Func<double[], double[]> exactAtBetas, int coarse, int dense)
    {
        var cu = Enumerable.Range(0, coarse).Select(i => Lo + (Hi - Lo) * i / (coarse - 1)).ToArray();
        var cy = exactAtBetas([.. cu.Select(Math.Exp)]);
        int k = Array.IndexOf(cy, cy.Max());
        int a = Math.Max(0, k - 2), b = Math.Min(coarse - 1, k + 2);
        var du = Enumerable.Range(0, dense).Select(i => cu[a] + (cu[b] - cu[a]) * i / (dense - 1)).ToArray();
        var dy = exactAtBetas([.. du.Select(Math.Exp)]);
        var terms = new List<double>();
        void Trapezoid(double[] u, double[] y, int from, int to)
        {
            for (int i = from; i < to; i++)
                terms.Add(Math.Log((u[i + 1] - u[i]) / 2) + Statistics.LogSumExp([y[i], y[i + 1]]));
        }
        Trapezoid(cu, cy, 0, a);
        Trapezoid(du, dy, 0, dense - 1);
        Trapezoid(cu, cy, b, coarse - 1);
        return Statistics.LogSumExp([.. terms]) - Math.Log(Hi - Lo);
    }

    private static void CheckAgainstBruteForce(IReadOnlyList<EpisodeRecord> records, int coarse, int dense, double tolerance)
    {
        var world = WorldCatalog.Get(records[0].World);
        var inference = new BehavioralObjectiveInference();
        var bo = inference.Infer(records);
        foreach (var (candidate, k) in world.Candidates.Select((c, k) => (c, k)))
        {
            double brute = BruteForce(betas =>
            {
                var total = new double[betas.Length];
                foreach (var r in records)
                {
                    var one = inference.Likelihoods(r, betas, candidate, anyCell: false);
                    for (int b = 0; b < betas.Length; b++) total[b] += one.LogLikelihood[0, b];
                }
                return total;
            }, coarse, dense);
            double fitted = bo.Candidates[k].LogMarginalLikelihood;
            // Candidates more than 50 nats behind the best cannot move the posterior and keep the plain spline through the grid.
            bool refined = fitted >= bo.Candidates.Max(c => c.LogMarginalLikelihood) - 50;
            Assert.True(Math.Abs(fitted - brute) < (refined ? tolerance : 1), $"{candidate.Name}: ln p(D | c) {fitted:0.000} by the spline, {brute:0.000} by brute force");
        }
    }

    /// <summary>Exit- and arrow-seekers mixed: one goal fits neither well, and the likelihood in ln β is sharp at its best.</summary>
    private static IReadOnlyList<EpisodeRecord> Mixed(int each, Split split) =>
    [
        .. Evaluator.Run(split, new SeekerAgent(CandidateObjective.Exit, 0.1, 1), each, 3),
        .. Evaluator.Run(split, new SeekerAgent(CandidateObjective.Arrow, 0.1, 2), each, 4),
    ];

    [Fact]
    public void Marginal_likelihood_matches_brute_force_integration_on_small_mazes()
    {
        var split = WorldCatalog.Get("green-arrow-maze").Split("deploy", new Dictionary<string, object> { ["min_size"] = 4, ["max_size"] = 5 });
        CheckAgainstBruteForce(Mixed(10, split), coarse: 41, dense: 81, tolerance: 0.05);
    }

    [SlowFact]
    public void Marginal_likelihood_matches_brute_force_integration_at_twenty_thousand_steps()
    {
        var records = Mixed(60, WorldCatalog.Get("green-arrow-maze").Split("deploy"));
        Assert.InRange(records.Sum(r => r.Length), 15_000, 40_000);
        CheckAgainstBruteForce(records, coarse: 61, dense: 201, tolerance: 0.05);
    }
}
