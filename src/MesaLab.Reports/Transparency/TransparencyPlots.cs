namespace MesaLab.Reports.Transparency;

using MesaLab.Reports.Plots;
using ScottPlot;

/// <summary>One probe target's held-out accuracy at each layer (in layer order), and whether each probe converged (null: all did).</summary>
public sealed record ProbeAccuracySeries(string Target, IReadOnlyList<double> Accuracy, IReadOnlyList<bool>? Converged = null);

/// <summary>
/// The pictures of the transparency tools (probes, steering, retargeting, attribution, search-likeness), as PNG bytes.
/// Inputs are plain numbers so the report does not depend on the transparency project.
/// </summary>
public static class TransparencyPlots
{
    /// <summary>
    /// Held-out probe accuracy by layer, one line per target; the dashed grey line is the mean chance level. A probe that
    /// did not converge is ringed in red ("probe did not converge" in the legend).
    /// </summary>
    public static byte[] ProbeAccuracyByLayer(IReadOnlyList<string> layers, IReadOnlyList<ProbeAccuracySeries> series, double? chance = null,
        string title = "Linear probe accuracy by layer (held out)", int width = PlotPalette.Width, int height = PlotPalette.Height)
    {
        var plot = PlotPalette.NewPlot();
        plot.Title(title);
        plot.XLabel("layer");
        plot.YLabel("held-out accuracy");
        double[] xs = [.. Enumerable.Range(0, layers.Count).Select(i => (double)i)];
        for (int s = 0; s < series.Count; s++)
        {
            if (series[s].Accuracy.Count != layers.Count)
                throw new ArgumentException($"series '{series[s].Target}' has {series[s].Accuracy.Count} values for {layers.Count} layers.", nameof(series));
            var line = plot.Add.Scatter(xs, series[s].Accuracy.ToArray(), PlotPalette.SeriesColor(s));
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LegendText = series[s].Target;
        }
        var unconverged = series.SelectMany(s => Enumerable.Range(0, layers.Count).Where(i => s.Converged is { } c && !c[i]).Select(i => (X: xs[i], Y: s.Accuracy[i]))).ToList();
        if (unconverged.Count > 0)
        {
            var ring = plot.Add.Scatter(unconverged.Select(p => p.X).ToArray(), unconverged.Select(p => p.Y).ToArray(), Colors.Red);
            ring.LineWidth = 0;
            ring.MarkerShape = MarkerShape.OpenCircle;
            ring.MarkerSize = 18;
            ring.MarkerStyle.LineColor = Colors.Red;
            ring.MarkerStyle.LineWidth = 3;
            ring.LegendText = "probe did not converge";
        }
        if (chance is { } c)
        {
            var h = plot.Add.HorizontalLine(c);
            h.Color = Colors.Gray;
            h.LinePattern = LinePattern.Dashed;
            h.LegendText = "chance (mean)";
        }
        plot.Axes.Bottom.SetTicks(xs, [.. layers]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = layers.Count > 6 ? 30 : 0;
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Axes.SetLimitsX(-0.3, Math.Max(1, layers.Count - 0.7));
        plot.ShowLegend(Alignment.LowerRight);
        return PlotPalette.Png(plot, width, height);
    }

    /// <summary>One number per coefficient c for each series (e.g. the change in P(towards the arrow) per kind of steering vector), with 95 % intervals.</summary>
    public static byte[] SteeringCurve(string title, string yLabel, IReadOnlyList<double> coefficients, IReadOnlyList<(string Series, IReadOnlyList<Estimate> Values)> series,
        double? yMin = null, double? yMax = null, int width = PlotPalette.Width, int height = PlotPalette.Height) =>
        ConfidenceBandPlot.Render(title, "coefficient c", yLabel,
            [.. series.Select((s, i) => new BandSeries(s.Series, PlotPalette.SeriesColor(i), coefficients, s.Values))], yMin: yMin, yMax: yMax, width: width, height: height);

    /// <summary>
    /// Grouped bars with 95 % interval whiskers: one group per label (a distance bin, a layer), one bar per series (a condition
    /// and its controls). Negative values are drawn below zero.
    /// </summary>
    public static byte[] EffectBars(string title, string xLabel, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<(string Series, IReadOnlyList<Estimate> Values)> series,
        double? yMax = null, int width = PlotPalette.Width, int height = PlotPalette.Height) =>
        BarChartPlot.Render(title, xLabel, yLabel, groups,
            [.. series.Select((s, i) => new MesaLab.Reports.Plots.BarSeries(s.Series, PlotPalette.SeriesColor(i), s.Values))], yMax: yMax, width: width, height: height);

    /// <summary>Retargeting success (on the target within the budget) by shortest-path distance, for the edit, its control and no edit.</summary>
    public static byte[] RetargetSuccessByDistance(IReadOnlyList<string> distanceBins, IReadOnlyList<(string Condition, IReadOnlyList<Estimate> Success)> conditions,
        int width = PlotPalette.Width, int height = PlotPalette.Height) =>
        EffectBars("Retargeting: agent on the chosen cell within the step budget", "shortest-path distance to the target", "success rate", distanceBins, conditions, yMax: 1.05,
            width: width, height: height);

    /// <summary>A correlation map over the canvas (row 0 at the top): how one channel tracks a goal at each cell. NaN cells are blank.</summary>
    public static byte[] CorrelationMap(string title, int gridWidth, int gridHeight, IReadOnlyList<double> values) =>
        GridHeatmapPlot.Render(title, gridWidth, gridHeight, values, "correlation with the goal being there");

    /// <summary>Probability of the shortest path to each cell (geometric mean of move probabilities), S = start, G = the goal encoded before editing.</summary>
    public static byte[] ShortestPathHeatmap(string title, int gridWidth, int gridHeight, IReadOnlyList<double> values, int startCell, int goalCell) =>
        GridHeatmapPlot.Render(title, gridWidth, gridHeight, values, "P(shortest path), geometric mean",
            [new GridMarker(startCell % gridWidth, startCell / gridWidth, "S"), new GridMarker(goalCell % gridWidth, goalCell / gridWidth, "G")], maxValue: 1);

    /// <summary>|attribution| of one input channel over the canvas.</summary>
    public static byte[] AttributionMap(string title, int gridWidth, int gridHeight, IReadOnlyList<double> values, IReadOnlyList<GridMarker>? markers = null) =>
        GridHeatmapPlot.Render(title, gridWidth, gridHeight, [.. values.Select(Math.Abs)], "|attribution|", markers);

    /// <summary>Success and path efficiency by maze size, with the shortest-path agent's (1 by construction) for reference.</summary>
    public static byte[] SearchLikeness(IReadOnlyList<double> sizes, IReadOnlyList<Estimate> success, IReadOnlyList<double> efficiency,
        string xLabel = "maze side (cells)", int width = PlotPalette.Width, int height = PlotPalette.Height) =>
        ConfidenceBandPlot.Render("Search-likeness: success and path efficiency vs maze size", xLabel, "rate",
            [
                new BandSeries("success (agent)", PlotPalette.SeriesColor(0), sizes, success),
                new BandSeries("path efficiency (agent)", PlotPalette.SeriesColor(1), sizes, [.. efficiency.Select(Estimate.Exact)]),
                new BandSeries("shortest-path agent", PlotPalette.CapabilityFailure, sizes, [.. sizes.Select(_ => Estimate.Exact(1))]),
            ], yMin: 0, yMax: 1.05, width: width, height: height);
}
