namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>A training curve: one metric (e.g. <c>episodic_return</c>) against environment steps, one line per series.</summary>
public static class TrainingCurvePlot
{
    public static byte[] Render(string metric, IReadOnlyList<CurveSeries> series, int width = PlotPalette.Width, int height = PlotPalette.Height)
    {
        var plot = PlotPalette.NewPlot();
        plot.Title(metric);
        plot.XLabel("environment steps");
        plot.YLabel(metric);
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            if (s.X.Count == 0) continue;
            var line = plot.Add.ScatterLine(s.X.ToArray(), s.Y.ToArray(), PlotPalette.SeriesColor(i));
            line.LineWidth = 2;
            line.LegendText = s.Name;
        }
        if (series.Count > 1) plot.ShowLegend(Alignment.LowerRight);
        return PlotPalette.Png(plot, width, height);
    }
}
