namespace MesaLab.Reports.Tests;

using System.Text.RegularExpressions;
using MesaLab.Reports.Plots;
using MesaLab.Reports.Tests.Plots;
using SkiaSharp;

public sealed class StudyReportTests
{
    /// <summary>Two procedures × four seeds: "plain" misgeneralizes (objective generalized near 0.1), "randomized" generalizes (near 0.9).</summary>
    internal static StudyReportData Sample(string? axis = null)
    {
        static ProcedureFigure F(string p, double[] values, double mean) =>
            new(p, [.. values.Select((v, i) => new SeedValue(i + 1, $"{p[0]}{i}", v))], new Estimate(mean, mean - 0.05, mean + 0.05));
        StudyFigureData Figure(string key, StudyFigureKind kind, double[] plain, double[] randomized) =>
            new(key, key.Replace('_', ' '), kind, [F("plain", plain, plain.Average()), F("randomized", randomized, randomized.Average())],
                new VarianceSummary(0.5, new Estimate(0.16, 0.1, 0.2), new Estimate(0.002, 0.001, 0.004), new Estimate(0.97, 0.93, 0.99), 2, 8));
        return new StudyReportData
        {
            Name = "homogeneity",
            World = "green-arrow-maze",
            Store = "sqlite:/tmp/x/mesalab.db",
            BaseObjective = "exit",
            Axis = axis,
            Percent = true,
            Procedures = [new("plain", "plain PPO", 0, 4, 4), new("randomized", "2 % randomized", 0.02, 4, 4)],
            Figures =
            [
                Figure("objective_generalized", StudyFigureKind.OutcomeShare, [0.08, 0.1, 0.12, 0.1], [0.88, 0.9, 0.92, 0.9]),
                Figure("objective_misgeneralized", StudyFigureKind.OutcomeShare, [0.85, 0.86, 0.84, 0.85], [0.05, 0.04, 0.06, 0.05]),
                Figure("capability_failure", StudyFigureKind.OutcomeShare, [0.07, 0.04, 0.04, 0.05], [0.07, 0.06, 0.02, 0.05]),
                Figure("objective_robustness", StudyFigureKind.ObjectiveRobustness, [0.01, 0.02, 0.0, 0.01], [0.97, 0.99, 0.98, 1]),
                Figure("behavioral:exit", StudyFigureKind.BehavioralObjective, [0.01, 0.02, 0.0, 0.01], [0.97, 0.99, 0.98, 1]),
                Figure("behavioral:arrow", StudyFigureKind.BehavioralObjective, [0.99, 0.98, 1, 0.99], [0.03, 0.01, 0.02, 0]),
            ],
            Jobs = [.. Enumerable.Range(1, 4).SelectMany(s => new[] { "plain", "randomized" }.Select(p =>
                new StudyJobRow($"{p}/seed-{s}", p, s, "completed", $"{p[0]}{s}", 1, 60, 8, 2, 71.5, 1.5, null)))],
            EpisodeReplicates = 200,
            Replicates = 2000,
            Spec = "name: homogeneity\nstudy:\n  seeds: [1, 2, 3, 4]\n",
        };
    }

    [Fact]
    public void A_strip_plot_draws_one_dot_per_seed_at_its_height()
    {
        var blue = PlotPalette.SeriesColor(0);
        var low = new StripSeries("share", blue, [[0.1, 0.12, 0.08, 0.11, 0.09], [0.9, 0.88, 0.92, 0.91, 0.89]], [new(0.1, 0.08, 0.12), new(0.9, 0.88, 0.92)]);
        using var pic = new Picture(StripPlot.Render("t", "share", ["a", "b"], [low], 0, 1));
        var color = Picture.Of(blue);
        // Group a (left half) sits near the bottom, group b (right half) near the top.
        double left = pic.MeanRow(color, 12, new SKRectI(0, 0, pic.Width / 2, pic.Height));
        double right = pic.MeanRow(color, 12, new SKRectI(pic.Width / 2, 0, pic.Width, pic.Height));
        Assert.True(left > pic.Height * 0.7, $"group a's dots are at row {left:0}, not near the bottom");
        Assert.True(right < pic.Height * 0.35, $"group b's dots are at row {right:0}, not near the top");
        // One dot per seed: twice the seeds, twice the dot pixels (without the estimate's bar, which covers dots).
        var bare = low with { Estimates = [Estimate.NotAvailable, Estimate.NotAvailable] };
        using var pic1 = new Picture(StripPlot.Render("t", "share", ["a", "b"], [bare], 0, 1));
        int few = pic1.Count(color, 12, new SKRectI(0, 0, pic1.Width / 2, pic1.Height));
        var more = bare with { Values = [[0.1, 0.12, 0.08, 0.11, 0.09, 0.3, 0.32, 0.28, 0.31, 0.29], [0.9]] };
        using var pic2 = new Picture(StripPlot.Render("t", "share", ["a", "b"], [more], 0, 1));
        int many = pic2.Count(color, 12, new SKRectI(0, 0, pic2.Width / 2, pic2.Height));
        Assert.InRange(many / (double)few, 1.7, 2.3);
    }

    [Fact]
    public void The_outcome_plot_shows_each_class_in_its_colour_where_its_shares_are()
    {
        var d = Sample();
        using var pic = new Picture(StudyReport.OutcomePlot(d));
        var generalized = Picture.Of(PlotPalette.ObjectiveGeneralized);
        var misgeneralized = Picture.Of(PlotPalette.ObjectiveMisgeneralized);
        var leftHalf = new SKRectI(0, 0, pic.Width / 2, pic.Height);
        var rightHalf = new SKRectI(pic.Width / 2, 0, pic.Width, pic.Height);
        // Plain: generalized low, misgeneralized high; randomized: the reverse.
        Assert.True(pic.MeanRow(generalized, 10, leftHalf) > pic.MeanRow(misgeneralized, 10, leftHalf) + 100);
        Assert.True(pic.MeanRow(generalized, 10, rightHalf) + 100 < pic.MeanRow(misgeneralized, 10, rightHalf));
        Assert.True(pic.Count(Picture.Of(PlotPalette.CapabilityFailure), 10) > 100);
    }

    [Fact]
    public void The_report_has_its_sections_pictures_estimates_and_the_variance_decomposition()
    {
        var html = StudyReport.Build(Sample()).Render();
        foreach (var id in StudyReport.Sections.Where(s => s is not ("curve" or "proposals"))) Assert.Contains($"<section id=\"{id}\">", html);
        Assert.DoesNotContain("<section id=\"curve\">", html);
        Assert.DoesNotContain("<section id=\"proposals\">", html);
        var images = Regex.Matches(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
        Assert.Equal(2, images.Count);
        foreach (Match m in images)
        {
            using var pic = new Picture(Convert.FromBase64String(m.Groups[1].Value));
            Assert.True(pic.Inked() > 5000);
        }
        Assert.Contains("0.10 [0.05, 0.15]", html); // plain's objective-generalized mean with its interval
        Assert.Contains("0.97 [0.93, 0.99]", html); // an ICC with its interval
        Assert.Contains(System.Net.WebUtility.HtmlEncode("σ²_between"), html);
        Assert.Contains("plain/seed-3", html);
        Assert.Contains("1.5", html); // overhead seconds of a job

        // With an axis, the curve over it, with its values as percentages.
        var curve = StudyReport.Build(Sample(axis: "randomized fraction")).Render();
        Assert.Contains("<section id=\"curve\">", curve);
        Assert.Contains("<td>2 %</td>", curve);
        Assert.Equal(3, Regex.Matches(curve, "data:image/png").Count);
    }

    [Fact]
    public void The_curve_rises_with_the_axis_where_objective_robustness_does()
    {
        using var pic = new Picture(StudyReport.CurvePlot(Sample(axis: "randomized fraction")));
        var blue = Picture.Of(PlotPalette.ObjectiveGeneralized);
        double left = pic.MeanRow(blue, 10, new SKRectI(0, 0, pic.Width / 5, pic.Height));
        double right = pic.MeanRow(blue, 10, new SKRectI(pic.Width * 4 / 5, 0, pic.Width, pic.Height));
        Assert.True(left > right + pic.Height * 0.4, $"objective robustness goes from row {left:0} to {right:0}: it should rise");
    }

    [Fact]
    public void The_proposals_plot_puts_the_four_axes_side_by_side_at_their_heights()
    {
        static ProposalRow Row(string name, double outer, double inner, double training, double performance) =>
            new(name, name, "", "", "", null, 3, 3, Estimate.Exact(outer), Estimate.Exact(inner), Estimate.Exact(training), Estimate.Exact(performance),
                Estimate.Exact(1000), Estimate.Exact(10), Estimate.Exact(0), Estimate.Exact(0.5),
                [.. Enumerable.Repeat(outer, 10)], [.. Enumerable.Repeat(inner, 10)], [.. Enumerable.Repeat(training, 10)], [.. Enumerable.Repeat(performance, 10)]);
        // The first proposal has the four axes at 1, 0, 2 and 0.5: each series' dots sit at its height (the legend is at
        // the top right, so the left half holds only the first proposal's dots).
        var data = new ProposalComparisonData("plain-rl", [], [Row("p", 1, 0, 2, 0.5), Row("q", 1, 1, 1, 1)]);
        using var pic = new Picture(StudyReport.ProposalPlot(data));
        double Row0(int series) => pic.MeanRow(Picture.Of(PlotPalette.SeriesColor(series)), 12, new SKRectI(0, 0, pic.Width / 2, pic.Height));
        double outerRow = Row0(0), innerRow = Row0(1), trainingRow = Row0(2), performanceRow = Row0(3);
        Assert.True(trainingRow < outerRow && outerRow < performanceRow && performanceRow < innerRow,
            $"rows: outer {outerRow:0}, inner {innerRow:0}, training {trainingRow:0}, performance {performanceRow:0}");
        // Equal steps in value are equal steps in rows (a linear axis): 2 → 1 as far as 1 → 0.
        Assert.InRange((outerRow - trainingRow) / (innerRow - outerRow), 0.7, 1.3);

        var html = StudyReport.Build(Sample() with { Proposals = data }).Render();
        Assert.Contains("<section id=\"proposals\">", html);
    }
}
