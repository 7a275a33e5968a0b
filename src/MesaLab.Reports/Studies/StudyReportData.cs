namespace MesaLab.Reports;

/// <summary>
/// Everything a study report shows, as plain data: the study's procedures, each figure's value per seed with the
/// procedure's estimate over seeds (hierarchical bootstrap) and the variance decomposition, and the jobs with their
/// timings. The report is a pure function of this record.
/// </summary>
public sealed record StudyReportData
{
    public required string Name { get; init; }
    public required string World { get; init; }
    /// <summary>Where the study is stored, for the reader.</summary>
    public required string Store { get; init; }
    public required string BaseObjective { get; init; }
    /// <summary>The axis the procedures lie on (null: the procedures are categories).</summary>
    public string? Axis { get; init; }
    public bool Percent { get; init; }
    public required IReadOnlyList<StudyProcedureRow> Procedures { get; init; }
    public required IReadOnlyList<StudyFigureData> Figures { get; init; }
    public required IReadOnlyList<StudyJobRow> Jobs { get; init; }
    /// <summary>Episode-bootstrap replicates per run (second stage) and replicates of the seed-level bootstrap.</summary>
    public int EpisodeReplicates { get; init; }
    public int Replicates { get; init; }
    /// <summary>The study's spec as stored (YAML).</summary>
    public string Spec { get; init; } = "";
}

/// <summary>A procedure of the study: its name, description, axis value, and how many of its runs are analysed.</summary>
public sealed record StudyProcedureRow(string Name, string? Description, double? Value, int Jobs, int Completed);

/// <summary>What kind of figure: an outcome share, a candidate's share in the behavioral-objective mixture, or objective robustness.</summary>
public enum StudyFigureKind
{
    OutcomeShare,
    BehavioralObjective,
    ObjectiveRobustness,
}

/// <summary>One figure over the study: per procedure, the seeds' values and the estimate over seeds; and its variance decomposition.</summary>
public sealed record StudyFigureData(string Key, string Label, StudyFigureKind Kind, IReadOnlyList<ProcedureFigure> Procedures, VarianceSummary? Variance);

/// <summary>A figure for one procedure: each seed's value, and the mean over seeds with its hierarchical-bootstrap interval.</summary>
public sealed record ProcedureFigure(string Procedure, IReadOnlyList<SeedValue> Seeds, Estimate Mean);

/// <summary>One run's value of a figure.</summary>
public sealed record SeedValue(long Seed, string RunId, double Value);

/// <summary>Between- and within-procedure variance of a figure and the intraclass correlation, with intervals.</summary>
public sealed record VarianceSummary(double GrandMean, Estimate Between, Estimate Within, Estimate Icc, int Procedures, int Runs);

/// <summary>One job as the report lists it, with the time it took and the part of it that was overhead.</summary>
public sealed record StudyJobRow(string Job, string Procedure, long Seed, string State, string? RunId, int Attempts,
    double TrainSeconds, double EvaluateSeconds, double AnalyseSeconds, double Seconds, double? OverheadSeconds, string? Error);
