namespace MesaLab.Experiments;

using MesaLab.Analysis;

/// <summary>One figure of one run of a study: its value on the run's deploy episodes and its episode-bootstrap replicates.</summary>
public sealed record StudyFigureValue(string Key, double Value, double[] Replicates)
{
    public SeedFigure ToSeedFigure() => new(Value, Replicates);
}

/// <summary>What a study job stores with its run (result kind <c>study.run</c>): timings and the run's figures.</summary>
/// <param name="DeployBehavioralObjective">The deploy split's dominant goal in the behavioral-objective mixture.</param>
/// <param name="Candidates">The world's candidate objectives, in the order of the behavioral figures.</param>
public sealed record StudyRunDocument(string Study, string Job, string Procedure, long Seed, string RunId,
    double TrainSeconds, double EvaluateSeconds, double AnalyseSeconds, int DeployEpisodes,
    string BaseObjective, string DeployBehavioralObjective, IReadOnlyList<string> Candidates, IReadOnlyList<StudyFigureValue> Figures)
{
    public StudyFigureValue? Figure(string key) => Figures.FirstOrDefault(f => f.Key == key);
}

/// <summary>
/// The figures a study reports for each run, measured on its deploy split: the shares of the three outcome classes,
/// objective robustness and every candidate's share of the goal-directed episodes in the behavioral-objective mixture —
/// each with replicates of the episode bootstrap, the second stage of the study's <see cref="HierarchicalBootstrap"/>.
/// </summary>
public static class StudyFigures
{
    public const string ObjectiveGeneralized = "objective_generalized";
    public const string ObjectiveMisgeneralized = "objective_misgeneralized";
    public const string CapabilityFailure = "capability_failure";
    public const string ObjectiveRobustness = "objective_robustness";

    /// <summary>The key of a candidate's share of the goal-directed episodes (behavioral-objective mixture).</summary>
    public static string Behavioral(string candidate) => "behavioral:" + candidate;

    /// <summary>The outcome-share figures, in the order reports show them.</summary>
    public static readonly IReadOnlyList<string> OutcomeShares = [ObjectiveGeneralized, ObjectiveMisgeneralized, CapabilityFailure];

    /// <summary>How a figure is named in reports.</summary>
    public static string Label(string key) => key switch
    {
        ObjectiveGeneralized => "objective generalized (share of deploy episodes)",
        ObjectiveMisgeneralized => "objective misgeneralized (share of deploy episodes)",
        CapabilityFailure => "capability failure (share of deploy episodes)",
        ObjectiveRobustness => "objective robustness (base objective's share of goal-directed deploy episodes)",
        _ when key.StartsWith("behavioral:", StringComparison.Ordinal) => $"{key["behavioral:".Length..]}'s share of goal-directed deploy episodes",
        _ => key,
    };

    /// <summary>The figures of one analysed run; <paramref name="seed"/> fixes the episode resamples.</summary>
    public static IReadOnlyList<StudyFigureValue> Of(RunAnalysis analysis, int replicates, ulong seed)
    {
        var deploy = analysis.Deploy.Analysis;
        var figures = new List<StudyFigureValue>();
        foreach (var (key, outcome) in new[] { (ObjectiveGeneralized, Outcome.ObjectiveGeneralized), (ObjectiveMisgeneralized, Outcome.ObjectiveMisgeneralized), (CapabilityFailure, Outcome.CapabilityFailure) })
        {
            var f = SeedFigure.Mean([.. deploy.Outcomes.Select(o => o.Outcome == outcome ? 1.0 : 0.0)], replicates, seed ^ Rng.Hash(key));
            figures.Add(new StudyFigureValue(key, f.Value, [.. f.Replicates]));
        }

        // The behavioral objective as the mixture of goals: each candidate's share of the goal-directed episodes, with
        // the mixture's own episode-bootstrap replicates (each a refit on resampled episodes).
        var mixture = deploy.Mixture;
        string baseObjective = analysis.Decomposition.BaseObjective;
        foreach (var candidate in deploy.Behavioral.Candidates.Select(c => c.Candidate))
        {
            int k = mixture.IndexOf(candidate), none = mixture.IndexOf(MixtureObjective.None);
            double Share(IReadOnlyList<double> w) => k < 0 ? 0 : 1 - w[none] > 1e-12 ? w[k] / (1 - w[none]) : double.NaN;
            var value = Share([.. mixture.Components.Select(c => c.Weight.Value)]);
            var figure = new StudyFigureValue(Behavioral(candidate), value, [.. mixture.WeightReplicates.Select(Share).Where(x => !double.IsNaN(x))]);
            figures.Add(figure);
            if (string.Equals(candidate, baseObjective, StringComparison.OrdinalIgnoreCase))
                figures.Insert(3, figure with { Key = ObjectiveRobustness });
        }
        return figures;
    }
}
