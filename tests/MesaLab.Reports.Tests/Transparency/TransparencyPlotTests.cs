namespace MesaLab.Reports.Tests.Transparency;

using MesaLab.Reports.Plots;
using MesaLab.Reports.Tests.Plots;
using MesaLab.Reports.Transparency;
using SkiaSharp;

public class TransparencyPlotTests
{
    private static double MeanRow(Picture p, SKColor c)
    {
        double sum = 0; int n = 0;
        for (int y = 0; y < p.Height; y++)
        for (int x = 0; x < p.Width; x++)
        {
            var q = p.Pixel(x, y);
            if (Math.Abs(q.Red - c.Red) <= 10 && Math.Abs(q.Green - c.Green) <= 10 && Math.Abs(q.Blue - c.Blue) <= 10) { sum += y; n++; }
        }
        Assert.True(n > 50, "series colour not drawn");
        return sum / n;
    }

    [Fact]
    public void Probe_accuracy_plot_draws_the_better_decoded_target_higher()
    {
        string[] layers = ["stem", "step.3", "features", "policy"];
        using var p = new Picture(TransparencyPlots.ProbeAccuracyByLayer(layers,
            [new("exit_position", [0.9, 0.95, 0.97, 0.9]), new("arrow_position", [0.1, 0.15, 0.2, 0.1])], chance: 0.05));
        // Row 0 is the top: the accurate series sits higher (smaller mean row).
        Assert.True(MeanRow(p, Picture.Of(PlotPalette.SeriesColor(0))) < MeanRow(p, Picture.Of(PlotPalette.SeriesColor(1))) - 100);
        Assert.Throws<ArgumentException>(() => TransparencyPlots.ProbeAccuracyByLayer(layers, [new("x", [0.5])]));
    }

    [Fact]
    public void A_probe_that_did_not_converge_is_ringed_in_red()
    {
        string[] layers = ["stem", "features", "policy"];
        var red = new SKColor(255, 0, 0);
        using var all = new Picture(TransparencyPlots.ProbeAccuracyByLayer(layers, [new("exit_position", [0.9, 0.95, 0.9], [true, true, true])]));
        using var one = new Picture(TransparencyPlots.ProbeAccuracyByLayer(layers, [new("exit_position", [0.9, 0.95, 0.9], [true, false, true])]));
        using var two = new Picture(TransparencyPlots.ProbeAccuracyByLayer(layers, [new("exit_position", [0.9, 0.95, 0.9], [false, false, true])]));
        Assert.Equal(0, all.Count(red, 30));
        Assert.True(one.Count(red, 30) > 30, $"the unconverged probe is ringed ({one.Count(red, 30)} red pixels)");
        Assert.True(two.Count(red, 30) > one.Count(red, 30) + 30, "each unconverged probe gets a ring");
    }

    [Fact]
    public void Steering_retarget_heatmap_attribution_and_search_plots_render_their_data()
    {
        using var steer = new Picture(TransparencyPlots.SteeringCurve("body.step.3", "arrow", [-1, 0, 1],
            [("arrow", [new(0.1, 0.05, 0.15), new(0.5, 0.4, 0.6), new(0.9, 0.85, 0.95)]), ("exit", [new(0.8, 0.7, 0.9), new(0.4, 0.3, 0.5), new(0.05, 0.01, 0.1)])]));
        // The rising arrow curve and the falling exit curve cross: both colours are drawn.
        Assert.True(steer.Count(Picture.Of(PlotPalette.SeriesColor(0)), 10) > 100);
        Assert.True(steer.Count(Picture.Of(PlotPalette.SeriesColor(1)), 10) > 100);

        using var bars = new Picture(TransparencyPlots.RetargetSuccessByDistance(["1–3", "4–7"],
            [("edited", [new(0.9, 0.8, 0.95), new(0.6, 0.5, 0.7)]), ("control", [Estimate.Exact(0.2), Estimate.Exact(0.1)]), ("unedited", [Estimate.Exact(0.1), Estimate.Exact(0.05)])]));
        // Bar areas follow the values: the edit's bars (0.9, 0.6) cover more pixels than the control's (0.2, 0.1).
        Assert.True(bars.Count(Picture.Of(PlotPalette.SeriesColor(0)), 10) > 2 * bars.Count(Picture.Of(PlotPalette.SeriesColor(1)), 10));

        var heat = Enumerable.Range(0, 16).Select(i => i == 0 ? double.NaN : i / 16.0).ToArray();
        using var map = new Picture(TransparencyPlots.ShortestPathHeatmap("P(path)", 4, 4, heat, 0, 15));
        Assert.True(map.Inked() > 1000);

        using var attr = new Picture(TransparencyPlots.AttributionMap("exit channel", 3, 3, [0, -1, 0, 0, 2, 0, 0, 0, 0]));
        Assert.True(attr.Inked() > 1000);

        using var search = new Picture(TransparencyPlots.SearchLikeness([4, 8, 12], [new(1, 0.9, 1), new(0.8, 0.7, 0.9), new(0.4, 0.3, 0.5)], [0.9, 0.7, 0.5]));
        Assert.True(search.Count(Picture.Of(PlotPalette.SeriesColor(0)), 10) > 100);
    }

    /// <summary>Mean row of the pixels of one colour in the plot area's columns [x0, x1).</summary>
    private static double MeanRowIn(Picture p, SKColor c, int x0, int x1)
    {
        double sum = 0; int n = 0;
        for (int y = 0; y < p.Height; y++)
        for (int x = x0; x < x1; x++)
        {
            var q = p.Pixel(x, y);
            if (Math.Abs(q.Red - c.Red) <= 10 && Math.Abs(q.Green - c.Green) <= 10 && Math.Abs(q.Blue - c.Blue) <= 10) { sum += y; n++; }
        }
        return n == 0 ? double.NaN : sum / n;
    }

    [Fact]
    public void Effect_bars_draw_negative_effects_below_positive_ones()
    {
        // One group per layer; the arrow cell's effect is negative, the control's positive and small.
        using var p = new Picture(TransparencyPlots.EffectBars("resampling", "layer", "change", ["a", "b"],
            [("arrow cell", [new(-0.4, -0.5, -0.3), new(-0.3, -0.35, -0.25)]), ("random cell", [new(0.05, 0.0, 0.1), new(0.02, -0.02, 0.06)])]));
        var arrow = Picture.Of(PlotPalette.SeriesColor(0));
        var random = Picture.Of(PlotPalette.SeriesColor(1));
        Assert.True(p.Count(arrow, 10) > 3 * p.Count(random, 10), "the larger effect has the larger bars");
        // Row 0 is the top: the negative bars hang below the positive ones.
        Assert.True(MeanRow(p, arrow) > MeanRowIn(p, random, 0, p.Width) + 20);
    }

    [Fact]
    public void Correlation_map_colours_the_one_tracking_cell_apart_from_the_rest()
    {
        var values = Enumerable.Range(0, 25).Select(i => i == 12 ? 0.95 : i == 0 ? double.NaN : 0.0).ToArray();
        using var map = new Picture(TransparencyPlots.CorrelationMap("channel 3", 5, 5, values));
        Assert.True(map.Inked() > 1000);
        Assert.Throws<ArgumentException>(() => TransparencyPlots.CorrelationMap("bad", 5, 5, [0.1, 0.2]));
    }
}
