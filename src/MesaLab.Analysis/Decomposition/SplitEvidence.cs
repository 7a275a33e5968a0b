namespace MesaLab.Analysis;

using MesaLab.Worlds;

/// <summary>
/// Per-episode evidence from one split's evaluation, as the robustness decomposition consumes it:
/// which candidates were competently achieved, the base- and intended-objective returns, and the
/// behavioral-objective likelihood tables. Plain arrays, so tests can construct it directly.
/// </summary>
/// <param name="Competent">
/// [episode][candidate]: the candidate was competently achieved (<see cref="CompetenceCriterion"/>) — or the episode
/// is ambiguous (one efficient path serves several Reach candidates) and ended with a candidate competently
/// achieved, so its trajectory is that of a competent pursuit of any of them cut short by the episode's end.
/// </param>
/// <param name="BaseReturn">Base-objective return of each episode (the run's base objective, whatever split).</param>
/// <param name="IntendedReturn">Intended-objective return of each episode.</param>
/// <param name="Likelihoods">Per-episode log-likelihood tables over candidates and the β grid.</param>
public sealed record SplitEvidence(
    string Split,
    IReadOnlyList<string> Candidates,
    bool[][] Competent,
    double[] BaseReturn,
    double[] IntendedReturn,
    IReadOnlyList<EpisodeLikelihoods> Likelihoods,
    InferenceSettings Settings)
{
    public int Episodes => BaseReturn.Length;

    /// <summary>Evidence from classified outcomes and an inferred behavioral objective of the same episodes.</summary>
    public static SplitEvidence From(IReadOnlyList<EpisodeOutcome> outcomes, BehavioralObjective behavioral,
        CandidateObjective baseObjective, CandidateObjective intendedObjective, InferenceSettings? settings = null)
    {
        if (outcomes.Count != behavioral.PerEpisode.Count)
            throw new ArgumentException($"{outcomes.Count} outcomes but {behavioral.PerEpisode.Count} likelihood tables; both must come from the same episodes.");
        var names = behavioral.Candidates.Select(c => c.Candidate).ToList();
        return new SplitEvidence(
            outcomes.Count > 0 ? outcomes[0].Record.Split : "",
            names,
            outcomes.Select(o => names.Select(c => o.CompetentAt(c) || CutShort(o, c)).ToArray()).ToArray(),
            outcomes.Select(o => ObjectiveReturn(o.Record, baseObjective)).ToArray(),
            outcomes.Select(o => ObjectiveReturn(o.Record, intendedObjective)).ToArray(),
            behavioral.PerEpisode,
            settings ?? new InferenceSettings { BetaGrid = behavioral.BetaGrid });
    }

    private static bool CutShort(EpisodeOutcome o, string candidate) =>
        o.Ambiguous && o.Record.Terminated && o.Outcome != Outcome.CapabilityFailure &&
        o.Progress(candidate) is { StepsTaken: < 0, ShortestPath: > 0 and < GoalDistances.Unreachable };

    /// <summary>
    /// What an episode earned by an objective's reward: 1 if a Reach objective's goal was entered, the number
    /// of objects consumed for a Collect objective — read from the recorded events, whatever the split rewarded.
    /// </summary>
    public static double ObjectiveReturn(MesaLab.Worlds.Recording.EpisodeRecord r, CandidateObjective objective)
    {
        if (objective.Kind == ObjectiveKind.Reach) return r.FirstStepWith(objective.Event) > 0 ? 1 : 0;
        int n = 0;
        foreach (var e in r.Events) if ((e & objective.Event) != 0) n++;
        return n;
    }
}
