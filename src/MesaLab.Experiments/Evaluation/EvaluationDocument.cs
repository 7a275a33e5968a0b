namespace MesaLab.Experiments;

using MesaLab.Analysis;

/// <summary>An evaluation as a JSON document (snake_case through <see cref="MesaLabJson"/>): what <c>evaluate --json</c> prints and the store keeps.</summary>
public sealed record EvaluationDocument(
    long? EvaluationId, string? RunId, string Agent, string World, string Split, ulong Seed, int Episodes,
    string BaseObjective, string IntendedObjective, double MeanReturn, double MeanLength,
    EvaluationDocument.OutcomeSection Outcomes, EvaluationDocument.BehavioralSection BehavioralObjective,
    EvaluationDocument.MixtureSection BehavioralObjectiveMixture,
    IReadOnlyDictionary<string, double>? RewardWeights, EvaluationDocument.Timing Seconds)
{
    public sealed record Competence(double Factor, int Slack);
    public sealed record Shares(string Group, int Episodes, Estimate ObjectiveGeneralized, Estimate ObjectiveMisgeneralized, Estimate CapabilityFailure,
        Estimate GeneralizedAfterDetour);
    public sealed record OutcomeSection(Competence Competence, Shares All, Shares DistinguishingLevels, IReadOnlyList<Shares> BySide, IReadOnlyList<Shares> ByShortestPath,
        IReadOnlyDictionary<string, int> CapabilityFailureReasons);
    /// <summary>The mixture of goals: weights and β with intervals, episodes by goal, and each episode's posterior over goals.</summary>
    public sealed record MixtureSection(string Summary, bool Coherent, IReadOnlyList<MixtureComponent> Components, IReadOnlyList<IReadOnlyList<string>> Indistinguishable,
        IReadOnlyDictionary<string, int> EpisodesByGoal, double LogLikelihood, double RandomLogLikelihood, IReadOnlyList<EpisodeGoalLine> Episodes);
    public sealed record EpisodeGoalLine(int Episode, long Level, string Goal, double Probability, IReadOnlyDictionary<string, double> Posterior);
    public sealed record BehavioralSection(string? Objective, string Best, bool Coherent, IReadOnlyList<string> Indistinguishable, Estimate Posterior, Estimate Beta,
        double LogBayesFactorVsRandom, int Episodes, int Steps, IReadOnlyList<CandidatePosterior> Candidates, string Summary);
    public sealed record Timing(double Evaluation, double Analysis);

    public static EvaluationDocument Of(EvaluationResult r)
    {
        var a = r.Analysis;
        var t = a.Table;
        static Shares S(OutcomeShares s) => new(s.Group, s.Episodes, s.Generalized, s.Misgeneralized, s.CapabilityFailure, s.Detour);
        return new EvaluationDocument(r.EvaluationId, r.RunId, r.Agent, r.World.Name, r.Split.Name, r.Seed, r.Records.Count,
            r.World.BaseObjective(r.Split).Name, r.World.IntendedObjective(r.Split).Name,
            r.Records.Average(x => (double)x.Return), r.Records.Average(x => (double)x.Length),
            new OutcomeSection(new Competence(t.Criterion.Factor, t.Criterion.Slack), S(t.All), S(t.Distinguishing), [.. t.BySide.Select(S)], [.. t.ByShortestPath.Select(S)],
                t.FailureReasons.ToDictionary(x => x.Reason, x => x.Count)),
            Behavioral(a.Behavioral), Mixture(a.Mixture), a.Weights?.Weights, new Timing(r.EvaluationSeconds, r.AnalysisSeconds));
    }

    public static MixtureSection Mixture(MixtureObjective m) => new(m.Summary, m.Coherent, m.Components, m.Indistinguishable,
        m.Episodes.GroupBy(e => e.Goal).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()), m.LogLikelihood, m.RandomLogLikelihood,
        [.. m.Episodes.Select(e => new EpisodeGoalLine(e.Episode, e.LevelIndex, e.Goal, e.Probability,
            m.Components.Select((c, k) => (c.Name, P: e.Posterior[k])).ToDictionary(x => x.Name, x => x.P)))]);

    public static BehavioralSection Behavioral(BehavioralObjective b) => new(b.Objective, b.Best, b.Coherent, b.Indistinguishable, b.Posterior, b.Beta,
        b.LogBayesFactorVsRandom, b.Episodes, b.Steps, b.Candidates, b.Summary);
}
