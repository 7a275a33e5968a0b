namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>
/// A strip plot: for each group (a study's procedures), one dot per seed, spread sideways so none hides another, and
/// over them the group's estimate as a short dark bar with its interval as a whisker. Several series sit side by side
/// within a group. Shows the whole distribution over seeds, not only its mean.
/// </summary>
public static class StripPlot
{
    public static byte[] Render(string title, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<StripSeries> series,
        double? yMin = null, double? yMax = null, int width = PlotPalette.Width, int height = PlotPalette.Height)
    {
        var plot = PlotPalette.NewPlot();
        plot.Title(title);
        plot.YLabel(yLabel);
        int k = Math.Max(1, series.Count);
        double groupWidth = 0.8, slot = groupWidth / k;
        for (int s = 0; s < series.Count; s++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int g = 0; g < groups.Count && g < series[s].Values.Count; g++)
            {
                double centre = g - groupWidth / 2 + slot * (s + 0.5);
                var values = series[s].Values[g].Where(double.IsFinite).ToList();
                for (int i = 0; i < values.Count; i++)
                {
                    // Deterministic spread: evenly over 70 % of the slot, in the order given.
                    double offset = values.Count == 1 ? 0 : (i / (values.Count - 1.0) - 0.5) * slot * 0.7;
                    xs.Add(centre + offset);
                    ys.Add(values[i]);
                }
            }
            var dots = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray(), series[s].Color);
            dots.MarkerSize = 7;
            dots.MarkerShape = MarkerShape.FilledCircle;
            dots.LegendText = series[s].Name;
            for (int g = 0; g < groups.Count && g < series[s].Estimates.Count; g++)
            {
                var e = series[s].Estimates[g];
                if (!e.IsAvailable) continue;
                double centre = g - groupWidth / 2 + slot * (s + 0.5), half = slot * 0.4;
                var bar = plot.Add.Line(centre - half, e.Value, centre + half, e.Value);
                bar.Color = Colors.Black;
                bar.LineWidth = 3;
                if (double.IsFinite(e.Low) && double.IsFinite(e.High) && e.High > e.Low)
                {
                    var whisker = plot.Add.Line(centre, e.Low, centre, e.High);
                    whisker.Color = Colors.Black;
                    whisker.LineWidth = 1.5f;
                }
            }
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.ToArray());
        plot.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
        if (yMin is not null || yMax is not null)
        {
            plot.Axes.AutoScaleY();
            var limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(yMin ?? limits.Bottom, yMax ?? limits.Top);
        }
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        return PlotPalette.Png(plot, width, height);
    }
}
