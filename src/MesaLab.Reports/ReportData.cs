namespace MesaLab.Reports;

/// <summary>
/// Everything a run report shows, as plain data: the report is a pure function of this record, so it
/// can be built from a live pipeline (the demo) or from a stored run, and tested with constructed inputs.
/// </summary>
public sealed record ReportData
{
    public required RunSummary Run { get; init; }
    /// <summary>Training metrics against environment steps (the CleanRL vocabulary: <c>episodic_return</c>, <c>approx_kl</c>, …).</summary>
    public IReadOnlyList<TrainingMetric> TrainingCurves { get; init; } = [];
    /// <summary>Outcome shares per evaluated split, overall and by level size.</summary>
    public IReadOnlyList<SplitOutcomes> Outcomes { get; init; } = [];
    /// <summary>Heatmaps of where episodes ended.</summary>
    public IReadOnlyList<EndHeatmap> EndHeatmaps { get; init; } = [];
    /// <summary>Example trajectory pictures, ideally one per outcome class and split.</summary>
    public IReadOnlyList<TrajectoryExample> Examples { get; init; } = [];
    /// <summary>The inferred behavioral objective per evaluated split.</summary>
    public IReadOnlyList<BehavioralObjectiveSummary> BehavioralObjectives { get; init; } = [];
    /// <summary>The robustness decomposition for train → deploy, when both splits were evaluated.</summary>
    public RobustnessDecompositionSummary? Decomposition { get; init; }
}

/// <summary>What was run: identity, world, objectives, splits, seed, configuration and timings.</summary>
public sealed record RunSummary
{
    public required string Id { get; init; }
    public required string World { get; init; }
    /// <summary>The agent, e.g. <c>ppo (run 3)</c> or <c>shortest-path:arrow</c>.</summary>
    public required string Agent { get; init; }
    public required string BaseObjective { get; init; }
    public required string IntendedObjective { get; init; }
    public ulong Seed { get; init; }
    public long EnvSteps { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public IReadOnlyList<SplitDescription> Splits { get; init; } = [];
    /// <summary>Configuration settings as displayed (name → value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Config { get; init; } = [];
    public IReadOnlyList<StageTiming> Timings { get; init; } = [];
}

/// <summary>A split as the report lists it: name, description and parameter values.</summary>
public sealed record SplitDescription(string Name, string Description, string Parameters);

/// <summary>How long one stage of a pipeline took.</summary>
public sealed record StageTiming(string Stage, double Seconds);

/// <summary>One training metric against environment steps.</summary>
public sealed record TrainingMetric(string Name, IReadOnlyList<double> Steps, IReadOnlyList<double> Values);

/// <summary>The three outcome classes of a deployment episode (DESIGN.md §1).</summary>
public enum OutcomeClass
{
    /// <summary>No candidate goal reached competently: the agent pursued nothing coherently.</summary>
    CapabilityFailure,
    /// <summary>The intended goal reached competently.</summary>
    ObjectiveGeneralized,
    /// <summary>A different candidate pursued competently: capable, aimed at the wrong target.</summary>
    ObjectiveMisgeneralized,
}

/// <summary>Shares of the three outcome classes over some episodes, each with a confidence interval.</summary>
public sealed record OutcomeShares(int Episodes, Estimate CapabilityFailure, Estimate ObjectiveGeneralized, Estimate ObjectiveMisgeneralized)
{
    public Estimate Of(OutcomeClass c) => c switch
    {
        OutcomeClass.CapabilityFailure => CapabilityFailure,
        OutcomeClass.ObjectiveGeneralized => ObjectiveGeneralized,
        _ => ObjectiveMisgeneralized,
    };
}

/// <summary>Outcome shares for one level size (e.g. <c>8×8</c>).</summary>
public sealed record SizeOutcomes(string Size, OutcomeShares Shares);

/// <summary>Outcome shares of one evaluated split, overall and by level size.</summary>
public sealed record SplitOutcomes(string Split, OutcomeShares Overall, IReadOnlyList<SizeOutcomes> BySize);

/// <summary>A grid of values (row-major, row 0 at the top) about where episodes ended.</summary>
public sealed record EndHeatmap(string Split, string Title, string Caption, int Width, int Height, IReadOnlyList<double> Values,
    string ColorLabel = "share of episodes", IReadOnlyList<Plots.GridMarker>? Markers = null);

/// <summary>A picture of one recorded episode, with its outcome class.</summary>
public sealed record TrajectoryExample(string Split, OutcomeClass Outcome, string Caption, byte[] Png);

/// <summary>One candidate objective's share of the posterior, its fitted rationality β and its log-likelihood.</summary>
public sealed record CandidatePosterior(string Candidate, Estimate Posterior, Estimate Beta, double LogLikelihood, bool IsBaseObjective);

/// <summary>A named number with an interval (e.g. a weight of the linear reward fitted by maximum-causal-entropy IRL).</summary>
public sealed record NamedEstimate(string Name, Estimate Value);

/// <summary>The behavioral objective inferred by inverse RL from one split's trajectories.</summary>
/// <param name="Verdict">The best candidate's name, or <c>no coherent objective</c>.</param>
/// <param name="RandomLogLikelihood">Log-likelihood of the same actions under a uniformly random policy (the incoherence baseline).</param>
public sealed record BehavioralObjectiveSummary(string Split, string Verdict, int Episodes, IReadOnlyList<CandidatePosterior> Candidates,
    double RandomLogLikelihood, IReadOnlyList<NamedEstimate>? RewardWeights = null)
{
    public bool Coherent => Candidates.Any(c => c.Candidate == Verdict);
}

/// <summary>
/// The alignment-terminology decomposition for one pair of splits, with numbers:
/// alignment → outer alignment + robustness; robustness → objective robustness + capability robustness;
/// inner alignment (under objective robustness) is not measurable from behaviour.
/// </summary>
public sealed record RobustnessDecompositionSummary
{
    public required string TrainSplit { get; init; }
    public required string DeploySplit { get; init; }
    public required string BaseObjective { get; init; }
    public required string IntendedObjective { get; init; }
    /// <summary>Base-objective return (or success) on deploy relative to train.</summary>
    public required Estimate Robustness { get; init; }
    /// <summary>Posterior that the deploy behavioral objective is the base objective.</summary>
    public required Estimate ObjectiveRobustness { get; init; }
    /// <summary>Competence at its own behavioral objective on deploy relative to train.</summary>
    public required Estimate CapabilityRobustness { get; init; }
    public required string TrainBehavioralObjective { get; init; }
    public required string DeployBehavioralObjective { get; init; }
    public bool OuterAligned => BaseObjective == IntendedObjective;
}
