namespace MesaLab.Reports.Tests.Plots;

using MesaLab.Reports.Plots;
using SkiaSharp;

/// <summary>Every picture MesaLab draws: rendered, decoded, and measured.</summary>
public sealed class PlotRenderTests
{
    [Fact]
    public void Training_curve_draws_each_series_in_its_colour()
    {
        double[] steps = [.. Enumerable.Range(0, 50).Select(i => i * 1000.0)];
        var png = TrainingCurvePlot.Render("episodic_return",
        [
            new CurveSeries("train", steps, [.. steps.Select(s => s / 50_000)]),
            new CurveSeries("deploy", steps, [.. steps.Select(s => 0.2 + s / 100_000)]),
        ]);
        using var pic = new Picture(png);
        Assert.Equal((PlotPalette.Width, PlotPalette.Height), (pic.Width, pic.Height));
        Assert.True(pic.Count(Picture.Of(PlotPalette.SeriesColor(0)), 10) > 200, "first series line not drawn");
        Assert.True(pic.Count(Picture.Of(PlotPalette.SeriesColor(1)), 10) > 200, "second series line not drawn");
    }

    [Fact]
    public void Text_renders_because_a_font_was_found()
    {
        // The same plot with and without a title: the title strip must gain ink. Without a usable
        // font, ScottPlot draws no glyphs and every label in a report would be missing.
        double[] x = [0, 1, 2];
        var with = TrainingCurvePlot.Render("episodic_return", [new CurveSeries("a", x, x)]);
        var plain = new ScottPlot.Plot();
        plain.Add.ScatterLine(x, x, PlotPalette.SeriesColor(0));
        using var titled = new Picture(with);
        var strip = new SKRectI(titled.Width / 4, 0, titled.Width * 3 / 4, 30);
        Assert.True(titled.Inked(strip) > 100, $"the title drew only {titled.Inked(strip)} inked pixels: no usable font?");
        Assert.True(Fonts.Resolved, "no font with glyphs for Latin text was found");
    }

    [Fact]
    public void Bar_chart_bar_heights_follow_the_values()
    {
        var big = new Estimate(0.9, 0.8, 0.95);
        var small = new Estimate(0.1, 0.05, 0.2);
        var png = BarChartPlot.Render("outcome shares by level size", "maze side", "share of episodes", ["8", "12"],
        [
            new BarSeries("objective misgeneralized", PlotPalette.ObjectiveMisgeneralized, [big, small]),
            new BarSeries("objective generalized", PlotPalette.ObjectiveGeneralized, [small, big]),
        ], yMax: 1);
        using var pic = new Picture(png);
        var red = Picture.Of(PlotPalette.ObjectiveMisgeneralized);
        var blue = Picture.Of(PlotPalette.ObjectiveGeneralized);
        var left = new SKRectI(0, 0, pic.Width / 2, pic.Height);
        var right = new SKRectI(pic.Width / 2, 0, pic.Width, pic.Height);
        // 0.9 against 0.1 of the same width: the tall bar has several times the area of the short one.
        Assert.True(pic.Count(red, 6, left) > 4 * pic.Count(red, 6, right), "misgeneralized share bars are not 0.9 then 0.1");
        Assert.True(pic.Count(blue, 6, right) > 4 * pic.Count(blue, 6, left), "generalized share bars are not 0.1 then 0.9");
    }

    [Fact]
    public void Heatmap_puts_row_zero_at_the_top_and_the_hot_cell_where_it_belongs()
    {
        // 4×3 grid, all mass in the top-left cell: the brightest (yellow) pixels sit in the top-left of the plot area.
        double[] values = new double[12];
        values[0] = 1;
        var png = GridHeatmapPlot.Render("where episodes ended", 4, 3, values, "share of episodes", [new GridMarker(3, 2, "exit")]);
        using var pic = new Picture(png);
        var yellow = new SKColor(253, 231, 37); // the top of the viridis colour map
        int topLeft = pic.Count(yellow, 30, new SKRectI(0, 0, pic.Width / 2, pic.Height / 2));
        int elsewhere = pic.Count(yellow, 30, new SKRectI(0, pic.Height / 2, pic.Width, pic.Height));
        Assert.True(topLeft > 1000, $"hot cell not drawn top-left ({topLeft} px)");
        Assert.True(elsewhere < topLeft / 10, "hot colour appears in the lower half");
    }

    [Fact]
    public void Heatmap_rejects_a_value_count_that_does_not_match_the_grid()
    {
        Assert.Throws<ArgumentException>(() => GridHeatmapPlot.Render("x", 3, 3, new double[8], "share"));
    }

    [Fact]
    public void Confidence_band_shades_between_the_interval_ends()
    {
        var color = PlotPalette.SeriesColor(2);
        Estimate[] ys = [new(0.1, 0.0, 0.3), new(0.5, 0.3, 0.7), new(0.8, 0.6, 0.95), new(0.9, 0.8, 1.0)];
        var banded = ConfidenceBandPlot.Render("objective robustness", "randomized fraction", "P(objective generalized)",
            [new BandSeries("objective robustness", color, [0, 0.005, 0.02, 0.1], ys)], ["0", "0.5%", "2%", "10%"], 0, 1);
        var narrow = ConfidenceBandPlot.Render("objective robustness", "randomized fraction", "P(objective generalized)",
            [new BandSeries("objective robustness", color, [0, 0.005, 0.02, 0.1], [.. ys.Select(e => Estimate.Exact(e.Value))])], ["0", "0.5%", "2%", "10%"], 0, 1);
        using var a = new Picture(banded);
        using var b = new Picture(narrow);
        // The band is the line colour at 25 % alpha over white.
        var tint = new SKColor((byte)(255 - (255 - color.R) / 4), (byte)(255 - (255 - color.G) / 4), (byte)(255 - (255 - color.B) / 4));
        Assert.True(a.Count(tint, 12) > 5000, "band not shaded");
        Assert.True(b.Count(tint, 12) < 1000, "a zero-width interval should shade (almost) nothing");
    }
}
