namespace MesaLab.Experiments;

using MesaLab.Reports;
using MesaLab.Store;

/// <summary>One proposal as the dry run lists it: the catalogue entry, its procedure's changes and its jobs.</summary>
public sealed record ProposalListing(string Name, string Title, string Idea, string Procedure, string Keeps, string Loses, string? Overseer, string Set,
    IReadOnlyList<string> Jobs);

/// <summary>A catalogue proposal that cannot run on the planned world, and why (one sentence).</summary>
public sealed record RefusedProposal(string Name, string Reason);

/// <summary>What <c>mesalab proposals --dry-run</c> prints: the study it would run, every proposal, what each axis measures,
/// and the catalogue proposals that cannot run on this world.</summary>
public sealed record ProposalsDryRun(string Study, string World, string TrainSplit, string DeploySplit, double DisambiguatingFraction,
    IReadOnlyList<long> Seeds, string Baseline, IReadOnlyList<ProposalListing> Proposals, IReadOnlyList<AxisDefinition> Axes, int Jobs, long StepsPerJob,
    IReadOnlyList<RefusedProposal> NotOnThisWorld);

/// <summary>What running the proposals did: the study run and its report.</summary>
public sealed record ProposalsResult(StudyRunResult Run, string ReportPath, ProposalComparisonData? Comparison);

/// <summary>
/// Training proposals compared on four axes (<c>mesalab proposals</c>): the proposals file planned as a study
/// (<see cref="ProposalsPlan"/>), run by the local executor like any study (so it resumes, retries and can be
/// reported again with <c>mesalab study report</c>), then its report written with the proposals section.
/// </summary>
public static class ProposalsJob
{
    public static ProposalsDryRun DryRun(ProposalsPlan plan)
    {
        var config = plan.StudyConfig;
        return new ProposalsDryRun(plan.Study.Name, config.World.Name, config.TrainSplitName, config.DeploySplitName, plan.Settings.DisambiguatingFraction,
            plan.Settings.Seeds, ProposalCatalog.Baseline.Name,
            [.. plan.Proposals.Select(p => new ProposalListing(p.Proposal.Name, p.Proposal.Title, p.Proposal.Idea, p.Proposal.Procedure, p.Proposal.Keeps,
                p.Proposal.Loses, p.Proposal.Overseer, p.Set, [.. plan.Study.Jobs.Where(j => j.Procedure == p.Proposal.Name).Select(j => j.Job)]))],
            [.. ProposalAxisDefinitions.All.Select(a => new AxisDefinition(a.Axis, a.Measures))],
            plan.Study.Jobs.Count, plan.Study.Jobs.Count == 0 ? 0 : plan.Study.Jobs[0].Config.Section<Learning.PpoSettings>().TotalSteps,
            [.. plan.Refused.Select(r => new RefusedProposal(r.Name, r.Reason))]);
    }

    public static ProposalsResult Run(IRunStore store, ProposalsPlan plan, int workers, MesalabCommand command, string? workspace, string outDirectory,
        INarrator narrator, CancellationToken cancel = default)
    {
        OutputPaths.CheckWritable(Path.Combine(outDirectory, StudyReport.FileName), "--out");
        var start = StudyJob.Prepare(store, plan.StudyConfig);
        narrator.Log(start.Created ? $"stored study {start.Plan.Name} with {start.Plan.Jobs.Count} jobs"
            : $"continuing study {start.Plan.Name} (same spec){(start.Retried > 0 ? $"; {start.Retried} failed job(s) will be tried again" : "")}");
        var run = LocalExecutor.Run(store, start, workers, start.Plan.Settings.Retries, command, workspace, narrator, cancel);
        var report = StudyReportJob.Run(store, start.Plan.Name, outDirectory, narrator);
        return new ProposalsResult(run, report.ReportPath, report.Data.Proposals);
    }
}
