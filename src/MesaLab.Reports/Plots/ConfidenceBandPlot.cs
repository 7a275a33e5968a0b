namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>Lines with shaded confidence bands (e.g. objective robustness against the randomized fraction).</summary>
public static class ConfidenceBandPlot
{
    /// <param name="xTickLabels">When given, points are drawn at evenly spaced positions 0..n−1 with these labels
    /// (for uneven settings such as 0, 0.5 %, 2 %, 10 %); otherwise at their x values.</param>
    public static byte[] Render(string title, string xLabel, string yLabel, IReadOnlyList<BandSeries> series,
        IReadOnlyList<string>? xTickLabels = null, double? yMin = null, double? yMax = null,
        int width = PlotPalette.Width, int height = PlotPalette.Height)
    {
        var plot = PlotPalette.NewPlot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        foreach (var s in series)
        {
            double[] xs = xTickLabels is null ? s.X.ToArray() : Enumerable.Range(0, s.X.Count).Select(i => (double)i).ToArray();
            var fill = plot.Add.FillY(xs, s.Y.Select(e => e.Low).ToArray(), s.Y.Select(e => e.High).ToArray());
            fill.FillColor = s.Color.WithAlpha(0.25);
            fill.LineWidth = 0;
            var line = plot.Add.Scatter(xs, s.Y.Select(e => e.Value).ToArray(), s.Color);
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LegendText = s.Name;
        }
        if (xTickLabels is not null)
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, xTickLabels.Count).Select(i => (double)i).ToArray(), xTickLabels.ToArray());
        if (yMin is not null || yMax is not null)
        {
            plot.Axes.AutoScale();
            var limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(yMin ?? limits.Bottom, yMax ?? limits.Top);
        }
        if (series.Count > 1) plot.ShowLegend(Alignment.LowerRight);
        return PlotPalette.Png(plot, width, height);
    }
}
