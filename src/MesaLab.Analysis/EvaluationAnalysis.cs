namespace MesaLab.Analysis;

using MesaLab.Worlds.Recording;

/// <summary>Everything analysis says about one evaluation: classified episodes, outcome shares, the behavioral objective and (optionally) MCE-IRL reward weights.</summary>
public sealed record EvaluationAnalysis(
    IReadOnlyList<EpisodeOutcome> Outcomes,
    OutcomeTable Table,
    BehavioralObjective Behavioral,
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
        var outcomes = OutcomeClassifier.Classify(records, cache, criterion);
        var behavioral = new BehavioralObjectiveInference(settings, cache).Infer(records);
        var weights = fitRewardWeights ? new MaxCausalEntropyIrl(cache).Fit(records) : null;
        return new EvaluationAnalysis(outcomes, OutcomeTable.Of(outcomes, criterion), behavioral, weights);
    }

    /// <summary>Evidence for the robustness decomposition, judged against the run's base and intended objectives.</summary>
    public SplitEvidence Evidence(MesaLab.Worlds.CandidateObjective baseObjective, MesaLab.Worlds.CandidateObjective intendedObjective) =>
        SplitEvidence.From(Outcomes, Behavioral, baseObjective, intendedObjective);
}
