namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// Everything analysis says about one evaluation: classified episodes, outcome shares, the behavioral objective as
/// one goal for all episodes (single-goal posterior) and as a mixture of goals (which goal each episode pursued), and
/// (optionally) MCE-IRL reward weights.
/// </summary>
public sealed record EvaluationAnalysis(
    IReadOnlyList<EpisodeOutcome> Outcomes,
    OutcomeTable Table,
    BehavioralObjective Behavioral,
    MixtureObjective Mixture,
    RewardWeights? Weights)
{
    /// <summary>Analyses recorded episodes of one split (all from the same world and split).</summary>
    public static EvaluationAnalysis Of(IReadOnlyList<EpisodeRecord> records, InferenceSettings? settings = null,
        CompetenceCriterion? criterion = null, bool fitRewardWeights = false, LevelCache? cache = null)
    {
        if (records.Count == 0) throw new ArgumentException("no episodes to analyse.", nameof(records));
        if (records.Any(r => r.World != records[0].World || r.Split != records[0].Split || r.SplitFingerprint != records[0].SplitFingerprint))
            throw new ArgumentException("analyse the episodes of one world and split at a time.", nameof(records));
        cache ??= new LevelCache();
        settings ??= new InferenceSettings();
        if (criterion is not null) settings = settings with { Competence = criterion };
        var outcomes = OutcomeClassifier.Classify(records, cache, criterion);
        var inference = new BehavioralObjectiveInference(settings, cache);
        var tables = inference.Tables(records);
        var behavioral = inference.Infer(records, tables);
        var mixture = inference.InferMixture(records, tables);
        var weights = fitRewardWeights ? new MaxCausalEntropyIrl(cache).Fit(records) : null;
        return new EvaluationAnalysis(outcomes, OutcomeTable.Of(outcomes, criterion), behavioral, mixture, weights) { Cache = cache };
    }

    /// <summary>The regenerated levels of these episodes (shared with later analyses of the same run).</summary>
    public LevelCache Cache { get; init; } = new();

    /// <summary>
    /// Evidence for the robustness decomposition, judged against the run's base and intended objectives; outer
    /// alignment is measured on these episodes' levels when the two differ (<see cref="OuterAlignment"/>).
    /// </summary>
    public SplitEvidence Evidence(CandidateObjective baseObjective, CandidateObjective intendedObjective) =>
        SplitEvidence.From(Outcomes, Behavioral, Mixture, baseObjective, intendedObjective,
            OuterAlignment.Measure([.. Outcomes.Select(o => o.Record)], baseObjective, intendedObjective, Cache));
}
