namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;
using MesaLab.Reports.Plots;

/// <summary>
/// The behavioral objective inferred by inverse RL: the mixture of goals (how often each goal is pursued, with
/// intervals, and which goal each episode pursued), then the single-goal posterior in one line and its table.
/// </summary>
public sealed class BehavioralObjectiveSection : IReportSection
{
    public string Id => "behavioral-objective";
    public string Heading => "Behavioral objective (inverse RL)";

    /// <summary>Episodes listed one by one per split (the goal-by-outcome table counts them all).</summary>
    public const int ListedEpisodes = 20;

    public void Write(HtmlDocument doc, ReportData data)
    {
        doc.Paragraph("The agent is modelled as Boltzmann-rational: soft value iteration on every recorded level gives, for each candidate objective, "
            + "the policy π(a|s) ∝ exp(β·Q(s,a)). In the mixture of goals each episode pursues one goal — a candidate objective, or none (uniformly random actions) — "
            + "drawn with the mixture weights, with one rationality β per goal; the weights are fitted to all episodes and each episode gets a posterior over goals. "
            + "The single-goal posterior instead asks which one candidate, with one β, best explains all episodes together.");
        if (data.BehavioralObjectives.Count == 0)
        {
            doc.Paragraph("No behavioral objective was inferred.", "note");
            return;
        }
        foreach (var b in data.BehavioralObjectives)
        {
            doc.Subheading($"Split {b.Split}");
            if (b.Mixture is { } m) WriteMixture(doc, b.Split, m);
            var best = b.Candidates.FirstOrDefault(c => c.Candidate == b.Verdict);
            doc.Paragraph("Single goal: " + (b.SingleGoalLine ?? (best is null
                ? $"behavioral objective = {b.Verdict} (from {b.Episodes} episodes)"
                : $"behavioral objective = {b.Verdict} (posterior {best.Posterior.Format()}, β = {best.Beta.Format("0.0")}; from {b.Episodes} episodes)")), "verdict");
            if (b.Candidates.Count > 0)
                doc.Table(["candidate", "single-goal posterior [95 % bootstrap interval]", "β (rationality) [profile 95 % interval]", "log marginal likelihood", "base objective"],
                    [.. b.Candidates.Select(c => (IReadOnlyList<string>)[c.Candidate, c.Posterior.Format("0.000"), c.Beta.Format("0.00"), Format.Number(c.LogLikelihood, "0.0"), c.IsBaseObjective ? "yes" : ""]),
                     ["uniformly random policy", "—", "—", Format.Number(b.RandomLogLikelihood, "0.0"), ""]]);
            if (b.RewardWeights is { Count: > 0 } w)
                doc.Table(["feature", "weight (reward per step of approach)"], w.Select(n => (IReadOnlyList<string>)[n.Name, Format.Number(n.Value.Value, "0.00")]),
                    "Linear reward over the candidates' progress features (maximum-causal-entropy IRL; point estimates)");
        }
    }

    private static void WriteMixture(HtmlDocument doc, string split, MixtureSummary m)
    {
        doc.Paragraph(m.Summary, "verdict");
        doc.Image(BarChartPlot.Render($"mixture weights — {split}", "goal", "share of episodes",
            [.. m.Components.Select(c => c.IsBaseObjective ? c.Name + " (base)" : c.Name)],
            [new BarSeries("weight", PlotPalette.SeriesColor(4), [.. m.Components.Select(c => c.Weight)])], yMax: 1.05, width: 520, height: 340),
            $"mixture weights of the behavioral objective on {split}");
        doc.Table(["goal", "weight [95 % bootstrap interval]", "β (rationality) [95 % bootstrap interval]", "base objective"],
            m.Components.Select(c => (IReadOnlyList<string>)[c.Name, c.Weight.Format("0.000"), c.IsGoal ? c.Beta.Format("0.00") : "—", c.IsBaseObjective ? "yes" : ""]));
        var outcomes = Enum.GetValues<OutcomeClass>();
        var goals = m.GoalsByOutcome.Select(g => g.Goal).Distinct().ToList();
        if (goals.Count > 0)
            doc.Table(["goal pursued (per-episode posterior)", .. outcomes.Select(Format.Outcome), "episodes"],
                goals.Select(g => (IReadOnlyList<string>)[g,
                    .. outcomes.Select(o => Format.Int(m.GoalsByOutcome.Where(x => x.Goal == g && x.Outcome == o).Sum(x => x.Episodes))),
                    Format.Int(m.GoalsByOutcome.Where(x => x.Goal == g).Sum(x => x.Episodes))]),
                "Episodes by the goal each one pursued (its most probable goal) and by outcome: a goal that is competently reached in one row and missed in another separates capability from objective.");
        if (m.Episodes.Count > 0)
            doc.Table(["level", "goal pursued", "posterior", "outcome"],
                m.Episodes.Take(ListedEpisodes).Select(e => (IReadOnlyList<string>)[Format.Int(e.Level), e.Goal, Format.Number(e.Probability, "0.00"),
                    Format.Outcome(e.Outcome) + (e.Detour ? " (after a detour)" : "") + (e.FailureReason is { } r ? $" ({r})" : "")]),
                m.Episodes.Count > ListedEpisodes ? $"The first {ListedEpisodes} of {m.Episodes.Count} episodes" : null);
    }
}
