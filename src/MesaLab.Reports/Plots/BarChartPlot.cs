namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>
/// Grouped bars with interval whiskers (the intervals may be asymmetric, as bootstrap and credible
/// intervals are): outcome shares by level size, the posterior over candidate objectives, effects that may be negative.
/// </summary>
public static class BarChartPlot
{
    public static byte[] Render(string title, string xLabel, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<BarSeries> series,
        double? yMax = null, int width = PlotPalette.Width, int height = PlotPalette.Height)
    {
        var plot = PlotPalette.NewPlot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        int k = Math.Max(1, series.Count);
        double groupWidth = 0.8, barWidth = groupWidth / k;
        for (int s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (int g = 0; g < groups.Count && g < series[s].Values.Count; g++)
            {
                var e = series[s].Values[g];
                if (double.IsNaN(e.Value)) continue;
                double x = g - groupWidth / 2 + barWidth * (s + 0.5);
                bars.Add(new Bar { Position = x, Value = e.Value, Size = barWidth * 0.92, FillColor = series[s].Color, LineWidth = 0 });
            }
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = series[s].Name;
            for (int g = 0; g < groups.Count && g < series[s].Values.Count; g++)
            {
                var e = series[s].Values[g];
                if (double.IsNaN(e.Value) || (e.Low == e.Value && e.High == e.Value)) continue;
                double x = g - groupWidth / 2 + barWidth * (s + 0.5), cap = barWidth * 0.25;
                foreach (var (x1, y1, x2, y2) in new[] { (x, e.Low, x, e.High), (x - cap, e.Low, x + cap, e.Low), (x - cap, e.High, x + cap, e.High) })
                {
                    var line = plot.Add.Line(x1, y1, x2, y2);
                    line.Color = Colors.Black;
                    line.LineWidth = 1.5f;
                }
            }
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.ToArray());
        // Bars stand on zero; effects below zero (a change, a coefficient) extend the axis down to their lowest whisker.
        var ends = series.SelectMany(s => s.Values).SelectMany(e => new[] { e.Value, e.Low, e.High }).Where(v => !double.IsNaN(v)).ToList();
        double lowest = ends.Count == 0 ? 0 : Math.Min(0, ends.Min()), highest = ends.Count == 0 ? 1 : Math.Max(0, ends.Max());
        if (lowest < 0)
        {
            double span = Math.Max(1e-9, (yMax ?? highest) - lowest);
            plot.Axes.SetLimitsY(lowest - 0.08 * span, yMax ?? highest + 0.08 * span);
            var zero = plot.Add.HorizontalLine(0);
            zero.Color = Colors.Black;
            zero.LineWidth = 1;
        }
        else
        {
            plot.Axes.Margins(bottom: 0);
            if (yMax is { } top) plot.Axes.SetLimitsY(0, top);
        }
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        return PlotPalette.Png(plot, width, height);
    }
}
