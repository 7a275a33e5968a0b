namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;
using MesaLab.Reports.Plots;

/// <summary>The behavioral objective inferred by inverse RL: posterior over candidates with β and credible intervals.</summary>
public sealed class BehavioralObjectiveSection : IReportSection
{
    public string Id => "behavioral-objective";
    public string Heading => "Behavioral objective (inverse RL)";

    public void Write(HtmlDocument doc, ReportData data)
    {
        doc.Paragraph("The agent is modelled as Boltzmann-rational towards one candidate objective: for each candidate, soft value iteration on every recorded level "
            + "gives the policy π(a|s) ∝ exp(β·Q(s,a)); the actions' likelihood, with β fitted, gives a posterior over candidates. "
            + "When the best candidate explains the actions no better than a uniformly random policy, the verdict is “no coherent objective”.");
        if (data.BehavioralObjectives.Count == 0)
        {
            doc.Paragraph("No behavioral objective was inferred.", "note");
            return;
        }
        foreach (var b in data.BehavioralObjectives)
        {
            doc.Subheading($"Split {b.Split}");
            var best = b.Candidates.FirstOrDefault(c => c.Candidate == b.Verdict);
            doc.Paragraph(best is null
                ? $"behavioral objective = {b.Verdict} (from {b.Episodes} episodes)"
                : $"behavioral objective = {b.Verdict} (posterior {best.Posterior.Format()}, β = {best.Beta.Format("0.0")}; from {b.Episodes} episodes)", "verdict");
            if (b.Candidates.Count > 0)
            {
                doc.Image(BarChartPlot.Render($"posterior over candidate objectives — {b.Split}", "candidate objective", "posterior probability",
                    [.. b.Candidates.Select(c => c.IsBaseObjective ? c.Candidate + " (base)" : c.Candidate)],
                    [new BarSeries("posterior", PlotPalette.SeriesColor(4), [.. b.Candidates.Select(c => c.Posterior)])], yMax: 1.05, width: 520, height: 340),
                    $"posterior over candidate objectives on {b.Split}");
                doc.Table(["candidate", "posterior [95 % credible interval]", "β (rationality)", "log-likelihood", "base objective"],
                    [.. b.Candidates.Select(c => (IReadOnlyList<string>)[c.Candidate, c.Posterior.Format("0.000"), c.Beta.Format("0.00"), Format.Number(c.LogLikelihood, "0.0"), c.IsBaseObjective ? "yes" : ""]),
                     ["uniformly random policy", "—", "—", Format.Number(b.RandomLogLikelihood, "0.0"), ""]]);
            }
            if (b.RewardWeights is { Count: > 0 } w)
                doc.Table(["feature", "weight [95 % interval]"], w.Select(n => (IReadOnlyList<string>)[n.Name, n.Value.Format("0.00")]),
                    "Linear reward over the candidates' features (maximum-causal-entropy IRL), for agents that mix objectives");
        }
    }
}
