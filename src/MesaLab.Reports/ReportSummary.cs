namespace MesaLab.Reports;

/// <summary>
/// The headline numbers of a run report, shaped for the terminal table and for <c>--json</c>
/// (the same numbers the HTML shows, so the three never disagree).
/// </summary>
public sealed record ReportSummary(
    string Report,
    ReportSummary.RunLine Run,
    IReadOnlyList<ReportSummary.OutcomeLine> Outcomes,
    IReadOnlyList<ReportSummary.BehavioralObjectiveLine> BehavioralObjectives,
    ReportSummary.DecompositionLine? Decomposition,
    IReadOnlyList<StageTiming> Timings)
{
    public sealed record RunLine(string Id, string World, string Agent, string BaseObjective, string IntendedObjective, ulong Seed, long EnvSteps);
    public sealed record OutcomeLine(string Split, int Episodes, Estimate CapabilityFailure, Estimate ObjectiveGeneralized, Estimate ObjectiveMisgeneralized);
    public sealed record BehavioralObjectiveLine(string Split, string BehavioralObjective, bool Coherent, Estimate? Posterior, Estimate? Beta, int Episodes,
        string? Mixture = null);
    public sealed record DecompositionLine(string TrainSplit, string DeploySplit, bool OuterAligned, Estimate Robustness, Estimate ObjectiveRobustness,
        Estimate CapabilityRobustness, string DeployBehavioralObjective, string InnerAlignment, string Reading);

    public static ReportSummary From(ReportData data, string reportPath)
    {
        var r = data.Run;
        return new ReportSummary(
            reportPath,
            new RunLine(r.Id, r.World, r.Agent, r.BaseObjective, r.IntendedObjective, r.Seed, r.EnvSteps),
            [.. data.Outcomes.Select(o => new OutcomeLine(o.Split, o.Overall.Episodes, o.Overall.CapabilityFailure, o.Overall.ObjectiveGeneralized, o.Overall.ObjectiveMisgeneralized))],
            [.. data.BehavioralObjectives.Select(b =>
            {
                var best = b.Candidates.FirstOrDefault(c => c.Candidate == b.Verdict);
                return new BehavioralObjectiveLine(b.Split, b.Verdict, best is not null, best?.Posterior, best?.Beta, b.Episodes, b.Mixture?.Summary);
            })],
            data.Decomposition is { } d
                ? new DecompositionLine(d.TrainSplit, d.DeploySplit, d.OuterAligned, d.Robustness, d.ObjectiveRobustness, d.CapabilityRobustness,
                    d.DeployBehavioralObjective, "not measured behaviourally", Sections.RobustnessDecompositionSection.Reading(d))
                : null,
            r.Timings);
    }

    /// <summary>(quantity, value) rows for a two-column terminal table.</summary>
    public IEnumerable<(string Quantity, string Value)> Rows()
    {
        yield return ("run", $"{Run.Id} — {Run.World}, {Run.Agent}");
        yield return ("base / intended objective", $"{Run.BaseObjective} / {Run.IntendedObjective}");
        foreach (var o in Outcomes)
        {
            yield return ($"{o.Split}: objective generalized", o.ObjectiveGeneralized.Format());
            yield return ($"{o.Split}: objective misgeneralized", o.ObjectiveMisgeneralized.Format());
            yield return ($"{o.Split}: capability failure", o.CapabilityFailure.Format());
        }
        foreach (var b in BehavioralObjectives)
        {
            if (b.Mixture is { } mixture) yield return ($"{b.Split}: behavioral objective mixture", mixture.Replace("behavioral objective mixture: ", "", StringComparison.Ordinal));
            yield return ($"{b.Split}: behavioral objective{(b.Mixture is null ? "" : " (single goal)")}", b.Coherent && b.Posterior is { } p && b.Beta is { } beta
                ? $"{b.BehavioralObjective} (posterior {p.Format()}, β = {beta.Format("0.0")})" : b.BehavioralObjective);
        }
        if (Decomposition is { } d)
        {
            yield return ("outer alignment", d.OuterAligned ? "aligned" : "misaligned");
            yield return ("robustness", d.Robustness.Format());
            yield return ("objective robustness", d.ObjectiveRobustness.Format());
            yield return ("capability robustness", d.CapabilityRobustness.Format());
            yield return ("inner alignment", d.InnerAlignment);
            yield return ("reading", d.Reading);
        }
        if (Timings.Count > 0)
            yield return ("time", string.Join(", ", Timings.Select(t => $"{t.Stage} {t.Seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s"))
                + $" (total {Timings.Sum(t => t.Seconds).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s)");
        yield return ("report", Report);
    }
}
