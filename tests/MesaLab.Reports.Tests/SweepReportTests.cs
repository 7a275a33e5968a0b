namespace MesaLab.Reports.Tests;

using System.Text.RegularExpressions;
using MesaLab.Reports.Plots;
using MesaLab.Reports.Tests.Plots;
using SkiaSharp;

public sealed class SweepReportTests
{
    private static readonly SweepPoint[] Points =
    [
        new(0, "a1", "/tmp/x/run-1/report.html", new(0.02, 0, 0.06), new(0.1, 0.06, 0.15), new(0.95, 0.9, 1), new(0.12, 0.08, 0.17), "arrow"),
        new(0.005, "a2", "/tmp/x/run-2/report.html", new(0.4, 0.2, 0.6), new(0.45, 0.38, 0.52), new(0.93, 0.88, 0.98), new(0.5, 0.42, 0.57), "exit"),
        new(0.02, "a3", "/tmp/x/run-3/report.html", new(0.9, 0.8, 0.97), new(0.8, 0.74, 0.85), new(0.96, 0.9, 1), new(0.84, 0.78, 0.9), "exit"),
        new(0.1, "a4", "/tmp/x/run-4/report.html", new(0.99, 0.97, 1), new(0.9, 0.85, 0.94), new(0.97, 0.93, 1), new(0.92, 0.87, 0.96), "exit"),
    ];

    [Fact]
    public void Plot_line_rises_with_objective_robustness()
    {
        var png = SweepReport.Plot("randomized fraction", true, Points);
        using var pic = new Picture(png);
        var blue = Picture.Of(PlotPalette.ObjectiveGeneralized);
        // Objective robustness goes from 0.02 to 0.99: its line sits near the bottom on the left and near the top on the right.
        double left = pic.MeanRow(blue, 10, new SKRectI(0, 0, pic.Width / 5, pic.Height));
        double right = pic.MeanRow(blue, 10, new SKRectI(pic.Width * 4 / 5, 0, pic.Width, pic.Height));
        Assert.True(left > pic.Height * 0.7, $"line starts at row {left:0}, not near the bottom");
        Assert.True(right < pic.Height * 0.35, $"line ends at row {right:0}, not near the top");

    }

    [Fact]
    public void Sweep_report_has_the_plot_the_table_and_relative_links()
    {
        var html = SweepReport.Build("mitigation", "splits.train-randomized.randomized_fraction", "randomized fraction", true, Points, "/tmp/x").Render();
        var img = Regex.Match(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
        Assert.True(img.Success);
        using var pic = new Picture(Convert.FromBase64String(img.Groups[1].Value));
        Assert.True(pic.Inked() > 5000);
        Assert.Contains("0.5 %", html);
        Assert.Contains("run-3/report.html", html);
        Assert.DoesNotContain("/tmp/x/run-3", html);
        Assert.Contains("0.90 [0.80, 0.97]", html);
    }
}
