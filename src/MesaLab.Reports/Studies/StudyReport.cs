namespace MesaLab.Reports;

using System.Globalization;
using MesaLab.Reports.Html;
using MesaLab.Reports.Plots;

/// <summary>
/// The report of a study (<c>study.html</c>): the distribution over seeds of each procedure's deploy outcome shares and
/// behavioral objective (strip plots), every figure with an interval that includes seed-to-seed variation, the variance
/// decomposition (how homogeneous each procedure is), the curve over the study's axis when it has one, and the jobs.
/// </summary>
public static class StudyReport
{
    public const string FileName = "study.html";

    /// <summary>The section ids, in order (proposals only for a study of training proposals, curve only for a study with an axis).</summary>
    public static readonly IReadOnlyList<string> Sections = ["study", "proposals", "outcomes", "behavioral", "homogeneity", "curve", "jobs", "spec"];

    private static string Number(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);

    public static string ValueText(double? v, bool percent) => v is not { } x ? "" : SweepReport.ValueText(x, percent);

    private static IReadOnlyList<string> Groups(StudyReportData d) =>
        [.. d.Procedures.Select(p => d.Axis is null || p.Value is null ? p.Name : $"{p.Name} ({ValueText(p.Value, d.Percent)})")];

    private static StripSeries Series(StudyReportData d, StudyFigureData f, string name, ScottPlot.Color color) =>
        new(name, color,
            [.. d.Procedures.Select(p => (IReadOnlyList<double>)[.. (f.Procedures.FirstOrDefault(x => x.Procedure == p.Name)?.Seeds ?? []).Select(s => s.Value)])],
            [.. d.Procedures.Select(p => f.Procedures.FirstOrDefault(x => x.Procedure == p.Name)?.Mean ?? Estimate.NotAvailable)]);

    /// <summary>The deploy outcome shares of every seed, by procedure.</summary>
    public static byte[] OutcomePlot(StudyReportData d)
    {
        var colors = new Dictionary<string, ScottPlot.Color>
        {
            ["objective_generalized"] = PlotPalette.ObjectiveGeneralized,
            ["objective_misgeneralized"] = PlotPalette.ObjectiveMisgeneralized,
            ["capability_failure"] = PlotPalette.CapabilityFailure,
        };
        var series = d.Figures.Where(f => f.Kind == StudyFigureKind.OutcomeShare)
            .Select(f => Series(d, f, f.Key.Replace('_', ' '), colors.GetValueOrDefault(f.Key, PlotPalette.SeriesColor(0)))).ToList();
        return StripPlot.Render("deploy outcome shares: one dot per seed, bar = mean over seeds", "share of deploy episodes", Groups(d), series, 0, 1.05);
    }

    /// <summary>Every candidate's share of the goal-directed deploy episodes (behavioral-objective mixture) for every seed, by procedure.</summary>
    public static byte[] BehavioralPlot(StudyReportData d)
    {
        var figures = d.Figures.Where(f => f.Kind == StudyFigureKind.BehavioralObjective).ToList();
        var series = figures.Select((f, i) => Series(d, f, f.Key.Replace("behavioral:", "", StringComparison.Ordinal), PlotPalette.SeriesColor(i))).ToList();
        return StripPlot.Render("behavioral objective on deploy: one dot per seed", "share of goal-directed episodes", Groups(d), series, 0, 1.05);
    }

    /// <summary>Objective robustness and the objective-generalized share against the study's axis, with seed-level bands.</summary>
    public static byte[] CurvePlot(StudyReportData d)
    {
        var procedures = d.Procedures.Where(p => p.Value is not null).OrderBy(p => p.Value).ToList();
        var xs = procedures.Select(p => p.Value!.Value).ToList();
        BandSeries Band(string key, string name, ScottPlot.Color color)
        {
            var f = d.Figures.FirstOrDefault(x => x.Key == key);
            return new BandSeries(name, color, xs, [.. procedures.Select(p => f?.Procedures.FirstOrDefault(x => x.Procedure == p.Name)?.Mean ?? Estimate.NotAvailable)]);
        }
        return ConfidenceBandPlot.Render($"against {d.Axis}: mean over seeds, band = 95 % seed-level interval", d.Axis ?? "", "probability / share",
        [
            Band("objective_robustness", "objective robustness", PlotPalette.ObjectiveGeneralized),
            Band("objective_generalized", "objective generalized (share of deploy episodes)", PlotPalette.SeriesColor(2)),
            Band("objective_misgeneralized", "objective misgeneralized (share of deploy episodes)", PlotPalette.ObjectiveMisgeneralized),
        ], [.. procedures.Select(p => ValueText(p.Value, d.Percent))], yMin: 0, yMax: 1.1);
    }

    public static HtmlDocument Build(StudyReportData d)
    {
        var doc = new HtmlDocument($"MesaLab study — {d.Name}");
        int completed = d.Jobs.Count(j => j.State == "completed");
        using (doc.Section("study", "The study"))
        {
            doc.Paragraph($"{d.Procedures.Count} training procedures on {d.World}, each trained with {(d.Procedures.Count == 0 ? 0 : d.Jobs.Count / d.Procedures.Count)} seeds; "
                + $"{completed} of {d.Jobs.Count} runs analysed (store {d.Store}). The base objective is {d.BaseObjective}.");
            doc.Paragraph("Every figure is measured per run on its deploy episodes. A procedure's value is the mean over its seeds; its 95 % interval comes from "
                + $"a hierarchical bootstrap ({d.Replicates} replicates): the seeds are resampled, then each drawn seed's episodes ({d.EpisodeReplicates} "
                + "episode-bootstrap replicates per run for the outcome shares), so the interval includes seed-to-seed variation, not only the sampling error of the episodes.");
            doc.Table(["procedure", "description", d.Axis ?? "value", "runs analysed"],
                d.Procedures.Select(p => (IReadOnlyList<string>)[p.Name, p.Description ?? "", ValueText(p.Value, d.Percent), $"{p.Completed} of {p.Jobs}"]));
            if (completed < d.Jobs.Count)
                doc.Paragraph($"{d.Jobs.Count - completed} jobs are not completed; the figures use the runs that are.", "note");
        }
        if (d.Proposals is { } proposals) ProposalSection(doc, d, proposals);
        using (doc.Section("outcomes", "Deploy outcomes by procedure"))
        {
            doc.Image(OutcomePlot(d), "deploy outcome shares by procedure, one dot per seed");
            FigureTable(doc, d, d.Figures.Where(f => f.Kind == StudyFigureKind.OutcomeShare).ToList());
        }
        using (doc.Section("behavioral", "Behavioral objective by procedure"))
        {
            doc.Paragraph("The behavioral objective as a mixture of goals fitted to the run's deploy trajectories (inverse RL): each candidate's share of "
                + $"the episodes that pursue some goal. Objective robustness is the share of the base objective ({d.BaseObjective}). These shares carry "
                + "the mixture fit's own episode-bootstrap replicates (a refit per resample).");
            doc.Image(BehavioralPlot(d), "behavioral-objective shares by procedure, one dot per seed");
            FigureTable(doc, d, d.Figures.Where(f => f.Kind is StudyFigureKind.BehavioralObjective or StudyFigureKind.ObjectiveRobustness).ToList());
        }
        using (doc.Section("homogeneity", "Homogeneity: variance between and within procedures"))
        {
            doc.Paragraph("For each figure, the variance of the procedures' true means (σ²_between) and the variance between seeds of one procedure "
                + "(σ²_within), by the one-way analysis of variance, and the intraclass correlation ICC = σ²_between / (σ²_between + σ²_within). An ICC near 1 "
                + "says the training procedure decides the outcome and every procedure is homogeneous; near 0, that runs of one procedure differ as much as "
                + "runs of different procedures — the seed decides. Intervals resample seeds within procedures, then episodes.");
            doc.Table(["figure", "grand mean", "σ²_between", "σ²_within", "ICC", "procedures", "runs"],
                d.Figures.Where(f => f.Variance is not null).Select(f => (IReadOnlyList<string>)[f.Label, Number(f.Variance!.GrandMean),
                    f.Variance.Between.Format("0.0000"), f.Variance.Within.Format("0.0000"), f.Variance.Icc.Format(), $"{f.Variance.Procedures}", $"{f.Variance.Runs}"]));
        }
        if (d.Axis is not null)
            using (doc.Section("curve", $"Against {d.Axis}"))
            {
                doc.Image(CurvePlot(d), $"figures against {d.Axis} with seed-level bands");
                doc.Paragraph("Lines join the means over seeds; bands are 95 % hierarchical-bootstrap intervals, so they include seed-to-seed variation.");
            }
        using (doc.Section("jobs", "Jobs"))
        {
            doc.Paragraph("Seconds per job: training (over every attempt), evaluation and analysis, the whole last attempt, and its overhead — what the attempt "
                + "spent beyond training, evaluating and analysing (taking the job, opening the run, storing results).");
            doc.Table(["job", "state", "run", "attempts", "train s", "evaluate s", "analyse s", "job s", "overhead s", "error"],
                d.Jobs.Select(j => (IReadOnlyList<string>)[j.Job, j.State, j.RunId ?? "", $"{j.Attempts}", Seconds(j.TrainSeconds), Seconds(j.EvaluateSeconds),
                    Seconds(j.AnalyseSeconds), Seconds(j.Seconds), j.OverheadSeconds is { } o ? Seconds(o) : "", j.Error ?? ""]));
        }
        using (doc.Section("spec", "Specification"))
            doc.Preformatted(d.Spec);
        return doc;
    }

    /// <summary>The four axes side by side for every proposal: one dot per seed, bar and whisker = mean over seeds and its interval.</summary>
    public static byte[] ProposalPlot(ProposalComparisonData p)
    {
        var groups = p.Rows.Select(r => r.Name).ToList();
        StripSeries Axis(string name, int color, Func<ProposalRow, IReadOnlyList<double>> seeds, Func<ProposalRow, Estimate> estimate) =>
            new(name, PlotPalette.SeriesColor(color), [.. p.Rows.Select(seeds)], [.. p.Rows.Select(estimate)]);
        var series = new List<StripSeries>
        {
            Axis("outer alignment", 0, r => r.OuterSeeds, r => r.Outer),
            Axis("inner alignment", 1, r => r.InnerSeeds, r => r.Inner),
            Axis("training competitiveness", 2, r => r.TrainingSeeds, r => r.Training),
            Axis("performance competitiveness", 3, r => r.PerformanceSeeds, r => r.Performance),
        };
        double top = series.SelectMany(s => s.Values.SelectMany(v => v).Concat(s.Estimates.Select(e => e.High))).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        return StripPlot.Render("four axes per proposal: one dot per seed, bar = mean over seeds",
            $"1 = aligned / as competitive as {p.Baseline}", groups, series, -0.05, Math.Max(1.1, top * 1.08) + 0.35, width: Math.Max(PlotPalette.Width, 150 * groups.Count));
    }

    private static void ProposalSection(HtmlDocument doc, StudyReportData d, ProposalComparisonData p)
    {
        using (doc.Section("proposals", "Training proposals on four axes"))
        {
            doc.Paragraph($"Each proposal is a procedure of this study, trained with the same seeds on {d.World}; its value on each axis is the mean over seeds "
                + "with a 95 % hierarchical-bootstrap interval (seeds, then each seed's episodes). These are small gridworld analogues of the proposals, "
                + "labelled with what each keeps and loses of the original idea.");
            doc.Table(["axis", "what it measures"], p.Axes.Select(a => (IReadOnlyList<string>)[a.Axis, a.Measures]));
            doc.Table(["proposal", "outer alignment", "inner alignment", "training competitiveness", "performance competitiveness",
                    "steps to competence", "training s to competence", "overseer queries to competence", "seeds competent"],
                p.Rows.Select(r => (IReadOnlyList<string>)[r.Name, r.Outer.Format(), r.Inner.Format(), r.Training.Format(), r.Performance.Format(),
                    r.StepsToCompetence.Format("N0"), r.SecondsToCompetence.Format("0.0"), r.Overseer is null ? "none" : r.QueriesToCompetence.Format("N0"),
                    $"{r.SeedsCompetent} of {r.Seeds}"]),
                $"mean over seeds [95 % interval]; competitiveness relative to {p.Baseline}; a seed that never reached competence counts with its whole budget");
            doc.Image(ProposalPlot(p), "the four axes side by side per proposal, one dot per seed");
            doc.Table(["proposal", "procedure", "keeps", "loses", "an overseer query is"],
                p.Rows.Select(r => (IReadOnlyList<string>)[$"{r.Name}: {r.Title}", r.Procedure, r.Keeps, r.Loses, r.Overseer ?? "(no overseer)"]));
        }
    }

    private static string Seconds(double s) => s.ToString("0.0", CultureInfo.InvariantCulture);

    private static void FigureTable(HtmlDocument doc, StudyReportData d, IReadOnlyList<StudyFigureData> figures)
    {
        doc.Table(["figure", .. d.Procedures.Select(p => p.Name)],
            figures.Select(f => (IReadOnlyList<string>)[f.Label, .. d.Procedures.Select(p =>
            {
                var pf = f.Procedures.FirstOrDefault(x => x.Procedure == p.Name);
                return pf is null ? "" : $"{pf.Mean.Format()} (seeds: {string.Join(", ", pf.Seeds.Select(s => s.Value.ToString("0.00", CultureInfo.InvariantCulture)))})";
            })]), "mean over seeds [95 % hierarchical-bootstrap interval], then each seed's value");
    }

    public static string Write(StudyReportData data, string directory)
    {
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        Build(data).Save(path);
        return path;
    }
}
