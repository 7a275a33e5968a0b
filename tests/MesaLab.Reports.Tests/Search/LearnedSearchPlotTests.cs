namespace MesaLab.Reports.Tests.Search;

using MesaLab.Reports.Plots;
using MesaLab.Reports.Search;
using MesaLab.Reports.Tests.Plots;

public class LearnedSearchPlotTests
{
    /// <summary>Mean pixel row of a series colour (row 0 is the top).</summary>
    private static double MeanRow(Picture p, int series)
    {
        var c = Picture.Of(PlotPalette.SeriesColor(series));
        double sum = 0; int n = 0;
        for (int y = 0; y < p.Height; y++)
        for (int x = 0; x < p.Width; x++)
        {
            var q = p.Pixel(x, y);
            if (Math.Abs(q.Red - c.Red) <= 10 && Math.Abs(q.Green - c.Green) <= 10 && Math.Abs(q.Blue - c.Blue) <= 10) { sum += y; n++; }
        }
        Assert.True(n > 50, $"series {series} not drawn");
        return sum / n;
    }

    [Fact]
    public void Compute_curve_draws_the_more_successful_scale_higher()
    {
        double[] sizes = [4, 8, 12];
        using var p = new Picture(LearnedSearchPlots.ComputeScaling(
        [
            new SearchCurve("thinking ×4 K", sizes, [new(0.95, 0.9, 1), new(0.9, 0.8, 0.95), new(0.85, 0.75, 0.9)]),
            new SearchCurve("thinking ×0.5 K", sizes, [new(0.3, 0.2, 0.4), new(0.1, 0.05, 0.2), new(0.05, 0, 0.1)]),
        ]));
        Assert.True(MeanRow(p, 0) < MeanRow(p, 1) - 100);
        Assert.Throws<ArgumentException>(() => LearnedSearchPlots.ComputeScaling([new SearchCurve("x", sizes, [Estimate.Exact(1)])]));
    }

    [Fact]
    public void Probe_goal_edit_and_in_context_plots_render_their_curves()
    {
        double[] its = [0, 1, 2, 3, 4];
        using var probe = new Picture(LearnedSearchPlots.ProbeByIteration(
        [
            new SearchCurve("exit · trained", its, [.. its.Select(i => Estimate.Exact(i / 4))]),
            new SearchCurve("exit · shuffled", its, [.. its.Select(_ => new Estimate(-0.02, double.NaN, double.NaN))]),
        ]));
        // The rising curve ends above the flat control.
        Assert.True(MeanRow(probe, 0) < MeanRow(probe, 1));
        using var edit = new Picture(LearnedSearchPlots.GoalEdit([new SearchCurve("thinking", [0, 0.5, 1], [new(1, 0.9, 1), new(0.5, 0.4, 0.6), new(0, 0, 0.1)])]));
        Assert.True(edit.Count(Picture.Of(PlotPalette.SeriesColor(0)), 10) > 100);
        using var icl = new Picture(LearnedSearchPlots.InContextLearning([new SearchCurve("memory", [1, 2, 3], [new(20, 15, 25), new(8, 6, 10), new(7, 5, 9)])]));
        Assert.True(icl.Count(Picture.Of(PlotPalette.SeriesColor(0)), 10) > 100);
    }
}
