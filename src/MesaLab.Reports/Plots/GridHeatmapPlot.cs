namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>
/// A heatmap over a grid of cells (row 0 at the top, as in a <c>Level</c>): where episodes ended,
/// a probability per cell. NaN cells are drawn blank.
/// </summary>
public static class GridHeatmapPlot
{
    /// <param name="values">Row-major, <c>values[y * gridWidth + x]</c>.</param>
    public static byte[] Render(string title, int gridWidth, int gridHeight, IReadOnlyList<double> values, string colorLabel,
        IReadOnlyList<GridMarker>? markers = null, double? maxValue = null, int width = 520, int height = 440)
    {
        if (values.Count != gridWidth * gridHeight)
            throw new ArgumentException($"a {gridWidth}×{gridHeight} heatmap needs {gridWidth * gridHeight} values, got {values.Count}.", nameof(values));
        var grid = new double[gridHeight, gridWidth];
        for (int y = 0; y < gridHeight; y++)
        for (int x = 0; x < gridWidth; x++)
            grid[y, x] = values[y * gridWidth + x];

        var plot = PlotPalette.NewPlot();
        plot.Title(title);
        var map = plot.Add.Heatmap(grid);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.Smooth = false;
        // Cell (x, y) spans [x, x+1] × [-(y+1), -y]: row 0 on top, grid coordinates readable from the axes.
        map.Rectangle = new CoordinateRect(0, gridWidth, -gridHeight, 0);
        if (maxValue is { } max) map.ManualRange = new ScottPlot.Range(0, max);
        var bar = plot.Add.ColorBar(map);
        bar.Label = colorLabel;
        foreach (var m in markers ?? [])
        {
            var text = plot.Add.Text(m.Label, m.X + 0.5, -m.Y - 0.5);
            text.LabelFontColor = Colors.White;
            text.LabelBackgroundColor = Colors.Black.WithAlpha(0.6);
            text.LabelFontSize = 12;
            text.LabelAlignment = Alignment.MiddleCenter;
        }
        plot.Axes.SetLimits(0, gridWidth, -gridHeight, 0);
        plot.Axes.Bottom.TickGenerator = IntegerTicks(gridWidth, v => v);
        plot.Axes.Left.TickGenerator = IntegerTicks(gridHeight, v => -v);
        plot.XLabel("x");
        plot.YLabel("y (row 0 at the top)");
        return PlotPalette.Png(plot, width, height);
    }

    private static ScottPlot.TickGenerators.NumericManual IntegerTicks(int n, Func<double, double> position)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int step = Math.Max(1, (int)Math.Ceiling(n / 12.0));
        for (int i = 0; i < n; i += step) ticks.AddMajor(position(i + 0.5), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ticks;
    }
}
