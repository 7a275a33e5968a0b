namespace MesaLab.Experiments;

using MesaLab.Analysis;

/// <summary>One figure of one run of a study: its value on the run's deploy episodes and its episode-bootstrap replicates.</summary>
public sealed record StudyFigureValue(string Key, double Value, double[] Replicates)
{
    public SeedFigure ToSeedFigure() => new(Value, Replicates);
}

/// <summary>What a study job stores with its run (result kind <c>study.run</c>): timings and the run's figures.</summary>
/// <param name="DeployBehavioralObjective">The deploy split's most probable behavioral objective.</param>
/// <param name="Candidates">The world's candidate objectives, in the order of the behavioral figures.</param>
public sealed record StudyRunDocument(string Study, string Job, string Procedure, long Seed, string RunId,
    double TrainSeconds, double EvaluateSeconds, double AnalyseSeconds, int DeployEpisodes,
    string BaseObjective, string DeployBehavioralObjective, IReadOnlyList<string> Candidates, IReadOnlyList<StudyFigureValue> Figures)
{
    public StudyFigureValue? Figure(string key) => Figures.FirstOrDefault(f => f.Key == key);
}

/// <summary>
/// The figures a study reports for each run, measured on its deploy split: the shares of the three outcome classes,
/// objective robustness and the behavioral-objective posterior of every candidate — each with replicates of the
/// episode bootstrap, the second stage of the study's <see cref="HierarchicalBootstrap"/>.
/// </summary>
public static class StudyFigures
{
    public const string ObjectiveGeneralized = "objective_generalized";
    public const string ObjectiveMisgeneralized = "objective_misgeneralized";
    public const string CapabilityFailure = "capability_failure";
    public const string ObjectiveRobustness = "objective_robustness";

    /// <summary>The key of a candidate's behavioral-objective posterior.</summary>
    public static string Behavioral(string candidate) => "behavioral:" + candidate;

    /// <summary>The outcome-share figures, in the order reports show them.</summary>
    public static readonly IReadOnlyList<string> OutcomeShares = [ObjectiveGeneralized, ObjectiveMisgeneralized, CapabilityFailure];

    /// <summary>How a figure is named in reports.</summary>
    public static string Label(string key) => key switch
    {
        ObjectiveGeneralized => "objective generalized (share of deploy episodes)",
        ObjectiveMisgeneralized => "objective misgeneralized (share of deploy episodes)",
        CapabilityFailure => "capability failure (share of deploy episodes)",
        ObjectiveRobustness => "objective robustness (P(behavioral objective = base objective) on deploy)",
        _ when key.StartsWith("behavioral:", StringComparison.Ordinal) => $"P(behavioral objective = {key["behavioral:".Length..]}) on deploy",
        _ when ProposalFigures.Label(key) is { } label => label,
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

        // The behavioral-objective posterior, recomputed on resampled episodes from each episode's likelihood table.
        var behavioral = deploy.Behavioral;
        var candidates = behavioral.Candidates.Select(c => c.Candidate).ToList();
        var tables = behavioral.PerEpisode;
        double[] PosteriorOf(int[] episodes)
        {
            int c = candidates.Count, b = behavioral.BetaGrid.Length;
            var total = new double[c, b];
            foreach (int i in episodes)
            {
                var ll = tables[i].LogLikelihood;
                for (int k = 0; k < c; k++) for (int j = 0; j < b; j++) total[k, j] += ll[k, j];
            }
            var logMl = new double[c];
            for (int k = 0; k < c; k++)
            {
                var row = new double[b];
                for (int j = 0; j < b; j++) row[j] = total[k, j];
                logMl[k] = BetaCurve.OverBetas(behavioral.BetaGrid, row).LogIntegral();
            }
            return BehavioralObjectiveInference.Posterior(logMl);
        }
        var all = PosteriorOf([.. Enumerable.Range(0, tables.Count)]);
        var rng = new Rng(seed ^ Rng.Hash("behavioral"));
        var draws = new double[replicates][];
        var indices = new int[tables.Count];
        for (int r = 0; r < replicates; r++)
        {
            for (int i = 0; i < indices.Length; i++) indices[i] = rng.Next(indices.Length);
            draws[r] = PosteriorOf(indices);
        }
        string baseObjective = analysis.Decomposition.BaseObjective;
        for (int k = 0; k < candidates.Count; k++)
        {
            var figure = new StudyFigureValue(Behavioral(candidates[k]), all[k], [.. draws.Select(d => d[k])]);
            figures.Add(figure);
            if (string.Equals(candidates[k], baseObjective, StringComparison.OrdinalIgnoreCase))
                figures.Insert(3, figure with { Key = ObjectiveRobustness });
        }
        return figures;
    }
}
