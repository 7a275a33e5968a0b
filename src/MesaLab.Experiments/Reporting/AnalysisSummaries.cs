namespace MesaLab.Experiments;

using System.Globalization;
using MesaLab.Analysis;
using MesaLab.Reports;

/// <summary>Turns the analysis's mixture of goals and decomposition tree into the plain records a report draws.</summary>
public static class AnalysisSummaries
{
    /// <summary>The mixture of goals of one analysed split, with per-episode goals and their outcomes.</summary>
    public static MixtureSummary Mixture(EvaluationAnalysis a, string baseObjective)
    {
        var m = a.Mixture;
        var rows = m.Episodes.Select((e, i) =>
        {
            var o = a.Outcomes[i];
            return new EpisodeGoalRow(e.LevelIndex, e.Goal, e.Probability, AnalysisReportData.Class(o.Outcome), o.Detour, o.FailureReason);
        }).ToList();
        var byOutcome = rows.GroupBy(r => (r.Goal, r.Outcome)).OrderByDescending(g => rows.Count(r => r.Goal == g.Key.Goal)).ThenBy(g => g.Key.Goal, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Outcome).Select(g => new GoalOutcomeCount(g.Key.Goal, g.Key.Outcome, g.Count())).ToList();
        return new MixtureSummary(m.Summary, m.Coherent,
            [.. m.Components.Select(c => new MixtureWeight(c.Name, c.Weight, c.Beta, c.IsGoal, string.Equals(c.Name, baseObjective, StringComparison.OrdinalIgnoreCase)))],
            byOutcome, rows);
    }

    /// <summary>The decomposition tree as a report draws it.</summary>
    public static DecompositionTreeNode Tree(DecompositionNode n) =>
        new(n.Name, n.Question, n.Value, n.Verdict, n.Measured, n.Holds, [.. n.Children.Select(Tree)]) { Definition = n.Definition };

    /// <summary>"pursued arrow (posterior 0.97)" for episode <paramref name="index"/> of an analysed split.</summary>
    public static string PursuedGoal(EvaluationAnalysis a, int index)
    {
        var e = a.Mixture.Episodes[index];
        return $"inferred goal {e.Goal} (posterior {e.Probability.ToString("0.00", CultureInfo.InvariantCulture)})";
    }
}
