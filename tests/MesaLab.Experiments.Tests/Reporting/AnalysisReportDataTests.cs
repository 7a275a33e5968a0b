namespace MesaLab.Experiments.Tests.Reporting;

using MesaLab.Analysis;
using MesaLab.Experiments;
using MesaLab.Reports;
using MesaLab.Reports.Tests.Plots;
using MesaLab.Worlds;

/// <summary>The report built from real analysis of scripted agents whose objective is known.</summary>
public sealed class AnalysisReportDataTests
{
    private static readonly World GreenArrow = WorldCatalog.Get("green-arrow-maze");

    private static SplitAnalysis Analyse(string split, IPolicy agent, int episodes = 24) =>
        new(split, EvaluationAnalysis.Of(Evaluator.Run(GreenArrow.Split(split), agent, episodes, 77)));

    private static readonly Lazy<ReportData> arrowSeeker = new(BuildArrowSeekerReport);

    private static ReportData ArrowSeekerReport() => arrowSeeker.Value;

    private static ReportData BuildArrowSeekerReport()
    {
        var train = Analyse("train", new ShortestPathAgent(CandidateObjective.Arrow));
        var deploy = Analyse("deploy", new ShortestPathAgent(CandidateObjective.Arrow));
        var d = RobustnessDecomposition.Compute(train.Analysis.Evidence(CandidateObjective.Exit, CandidateObjective.Exit),
            deploy.Analysis.Evidence(CandidateObjective.Exit, CandidateObjective.Exit), "exit", "exit", bootstrap: 200);
        var run = new RunSummary { Id = "scripted", World = GreenArrow.Name, Agent = "shortest-path:arrow", BaseObjective = "exit", IntendedObjective = "exit" };
        return AnalysisReportData.Build(run, [], [train, deploy], d);
    }

    [Fact]
    public void Arrow_seeker_on_deploy_ends_on_the_arrow_and_reads_as_objective_misgeneralization()
    {
        var data = ArrowSeekerReport();
        var deployOutcomes = data.Outcomes.Single(o => o.Split == "deploy").Overall;
        // Overall, not only on distinguishing levels: where the way to the arrow passes the exit, the episode ends on the exit.
        Assert.True(deployOutcomes.ObjectiveMisgeneralized.Value >= 0.75, $"misgeneralized share {deployOutcomes.ObjectiveMisgeneralized}");

        // A deploy episode ends on the arrow, or on the exit when the way to the arrow passes it (reaching the exit ends
        // the episode): the heatmaps' centres hold all the mass between them, most of it on the arrow's.
        var arrowMap = data.EndHeatmaps.Single(h => h.Split == "deploy" && h.Title.EndsWith("arrow", StringComparison.Ordinal));
        var exitMap = data.EndHeatmaps.Single(h => h.Split == "deploy" && h.Title.EndsWith("exit", StringComparison.Ordinal));
        int centre = (arrowMap.Height / 2) * arrowMap.Width + arrowMap.Width / 2;
        Assert.True(arrowMap.Values[centre] >= 0.75, $"arrow centre holds {arrowMap.Values[centre]}");
        Assert.Equal(1.0, arrowMap.Values[centre] + exitMap.Values[centre], 6);
        Assert.Equal(1.0, arrowMap.Values.Sum(), 6);

        // Pictures of the classes that occurred, and only those.
        var deployExamples = data.Examples.Where(e => e.Split == "deploy").ToList();
        Assert.Contains(deployExamples, e => e.Outcome == OutcomeClass.ObjectiveMisgeneralized);
        foreach (var e in data.Examples)
        {
            using var pic = new Picture(e.Png);
            Assert.True(pic.Width >= 8 * 20 && pic.Height >= 4 * 20 || e.Split == "train");
        }

        var behavioral = data.BehavioralObjectives.Single(b => b.Split == "deploy");
        Assert.Equal("arrow", behavioral.Verdict);
        var mixture = behavioral.Mixture!;
        Assert.True(mixture.Components.Single(c => c.Name == "arrow").Weight.Value >= 0.95, mixture.Summary);
        Assert.Equal(24, mixture.Episodes.Count);
        Assert.Equal(24, mixture.GoalsByOutcome.Sum(g => g.Episodes));
        // Per-episode goals agree with the outcomes: an arrow-seeker's misgeneralized episodes are all inferred to pursue the arrow.
        Assert.All(mixture.Episodes.Where(e => e.Outcome == OutcomeClass.ObjectiveMisgeneralized), e => Assert.Equal("arrow", e.Goal));
        Assert.Contains(data.Examples, e => e.Caption.Contains("inferred goal arrow", StringComparison.Ordinal));
        var d = data.Decomposition!;
        Assert.Equal("arrow", d.DeployBehavioralObjective);
        Assert.True(d.ObjectiveRobustness.Value < 0.05);
        Assert.True(d.CapabilityRobustness.Value > 0.8);
        Assert.Contains(d.Tree.Flatten(), n => n.Name == "inner alignment" && !n.Measured);
        Assert.All(d.Tree.Flatten(), n => Assert.EndsWith(".", n.Definition));
    }

    [Fact]
    public void Report_from_analysis_renders_every_section_with_pictures()
    {
        var html = RunReport.Build(ArrowSeekerReport()).Render();
        foreach (var s in RunReport.Sections) Assert.Contains($"<section id=\"{s.Id}\">", html);
        Assert.Contains("behavioral objective = arrow", html);
        Assert.Contains("behavioral objective mixture: arrow", html);
        Assert.Contains("goal pursued (per-episode posterior)", html);
        Assert.Contains("how it is measured", html);
        Assert.Contains("objective misgeneralization", html);
        Assert.Contains("not measured behaviourally", html);
    }
}
