namespace MesaLab.Reports;

/// <summary>What one of the four axes measures, as the report states it.</summary>
public sealed record AxisDefinition(string Axis, string Measures);

/// <summary>
/// One training proposal on the four axes: its documentation, the estimate over seeds on each axis (95 %
/// hierarchical-bootstrap interval), each seed's value on each axis (for the plot), and the costs behind training
/// competitiveness.
/// </summary>
/// <param name="SeedsCompetent">Seeds whose training reached competence within its budget.</param>
public sealed record ProposalRow(string Name, string Title, string Procedure, string Keeps, string Loses, string? Overseer, int Seeds, int SeedsCompetent,
    Estimate Outer, Estimate Inner, Estimate Training, Estimate Performance,
    Estimate StepsToCompetence, Estimate SecondsToCompetence, Estimate QueriesToCompetence, Estimate IntendedCompetent,
    IReadOnlyList<double> OuterSeeds, IReadOnlyList<double> InnerSeeds, IReadOnlyList<double> TrainingSeeds, IReadOnlyList<double> PerformanceSeeds);

/// <summary>The comparison of training proposals a proposals study reports: the axes, the baseline, and one row per proposal.</summary>
public sealed record ProposalComparisonData(string Baseline, IReadOnlyList<AxisDefinition> Axes, IReadOnlyList<ProposalRow> Rows);
