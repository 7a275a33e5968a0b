namespace MesaLab.Experiments;

using MesaLab.Analysis;

/// <summary>An evaluation as a JSON document (snake_case through <see cref="MesaLabJson"/>): what <c>evaluate --json</c> prints and the store keeps.</summary>
public sealed record EvaluationDocument(
    long? EvaluationId, string? RunId, string Agent, string World, string Split, ulong Seed, int Episodes,
    string BaseObjective, string IntendedObjective, double MeanReturn, double MeanLength,
    EvaluationDocument.OutcomeSection Outcomes, EvaluationDocument.BehavioralSection BehavioralObjective,
    IReadOnlyDictionary<string, double>? RewardWeights, EvaluationDocument.Timing Seconds)
{
    public sealed record Competence(double Factor, int Slack);
    public sealed record Shares(string Group, int Episodes, Estimate ObjectiveGeneralized, Estimate ObjectiveMisgeneralized, Estimate CapabilityFailure);
    public sealed record OutcomeSection(Competence Competence, Shares All, Shares DistinguishingLevels, IReadOnlyList<Shares> BySide, IReadOnlyList<Shares> ByShortestPath);
    public sealed record BehavioralSection(string? Objective, string Best, bool Coherent, IReadOnlyList<string> Indistinguishable, Estimate Posterior, Estimate Beta,
        double LogBayesFactorVsRandom, int Episodes, int Steps, IReadOnlyList<CandidatePosterior> Candidates, string Summary);
    public sealed record Timing(double Evaluation, double Analysis);

    public static EvaluationDocument Of(EvaluationResult r)
    {
        var a = r.Analysis;
        var t = a.Table;
        static Shares S(OutcomeShares s) => new(s.Group, s.Episodes, s.Generalized, s.Misgeneralized, s.CapabilityFailure);
        return new EvaluationDocument(r.EvaluationId, r.RunId, r.Agent, r.World.Name, r.Split.Name, r.Seed, r.Records.Count,
            r.World.BaseObjective(r.Split).Name, r.World.IntendedObjective(r.Split).Name,
            r.Records.Average(x => (double)x.Return), r.Records.Average(x => (double)x.Length),
            new OutcomeSection(new Competence(t.Criterion.Factor, t.Criterion.Slack), S(t.All), S(t.Distinguishing), [.. t.BySide.Select(S)], [.. t.ByShortestPath.Select(S)]),
            Behavioral(a.Behavioral), a.Weights?.Weights, new Timing(r.EvaluationSeconds, r.AnalysisSeconds));
    }

    public static BehavioralSection Behavioral(BehavioralObjective b) => new(b.Objective, b.Best, b.Coherent, b.Indistinguishable, b.Posterior, b.Beta,
        b.LogBayesFactorVsRandom, b.Episodes, b.Steps, b.Candidates, b.Summary);
}
