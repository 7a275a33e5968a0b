namespace MesaLab.Reports.Tests.Quantilizers;

using MesaLab.Quantilizers;
using MesaLab.Reports.Quantilizers;
using SkiaSharp;

public class GoodhartPlotTests
{
    // A PPO maximizer of two short updates, which cannot converge: its point is on the plot, marked (learning is tested in Quantilizers).
    private static readonly Lazy<GoodhartCurve> Curve = new(() =>
    {
        MesaLab.Learning.TorchSetup.SetThreads(1);
        return GoodhartExperiment.Run(new QuantilizerSettings
        {
            N = 2000, Levels = 2, Bootstrap = 40, Q = [1, 0.3, 0.1, 0.01, 0.001], Bases = ["demonstrator", "random"],
            MaximizerSteps = 1024, Maximizer = new MaximizerSettings(NumEnvs: 16, Attempts: 1),
        }, MesaLab.Worlds.WorldCatalog.Get("green-arrow-maze").Split("train", new Dictionary<string, object> { ["min_size"] = 8, ["max_size"] = 8 }), 1);
    });

    /// <summary>Counts pixels close to a colour (the plot's lines and bands).</summary>
    private static int Pixels(SKBitmap bmp, SKColor color, int tolerance = 40)
    {
        int n = 0;
        for (int y = 0; y < bmp.Height; y++)
            for (int x = 0; x < bmp.Width; x++)
            {
                var p = bmp.GetPixel(x, y);
                if (Math.Abs(p.Red - color.Red) + Math.Abs(p.Green - color.Green) + Math.Abs(p.Blue - color.Blue) < tolerance) n++;
            }
        return n;
    }

    [Fact]
    public void Goodhart_curve_renders_a_png_with_the_proxy_and_true_utility_lines()
    {
        var png = GoodhartPlot.Curve(Curve.Value, "demonstrator");
        using var bmp = SKBitmap.Decode(png);
        Assert.Equal(GoodhartPlot.Width, bmp.Width);
        Assert.Equal(GoodhartPlot.Height, bmp.Height);
        Assert.True(Pixels(bmp, new SKColor(0, 0, 255)) > 300, "the proxy line (blue) is drawn");
        Assert.True(Pixels(bmp, new SKColor(255, 69, 0)) > 300, "the true-utility line (orange-red) is drawn");
    }

    [Fact]
    public void Bound_plot_and_html_section_show_every_base_and_q()
    {
        using var bmp = SKBitmap.Decode(GoodhartPlot.Bound(Curve.Value));
        Assert.Equal(GoodhartPlot.Width, bmp.Width);
        Assert.True(Pixels(bmp, new SKColor(0, 128, 0)) > 200, "the first base's cost line (green) is drawn");
        var html = GoodhartPlot.HtmlSection(Curve.Value);
        Assert.Equal(3, html.Split("data:image/png;base64,").Length - 1); // one curve per base + the bound
        Assert.Equal(2 * 5, html.Split("<tr><td>").Length - 1);          // a bound row per base and q
        Assert.Equal(2 * 2, html.Split("<li").Length - 1);               // the PPO maximizer and the limit, per base
        Assert.Equal(2, html.Split("<li class=\"not-converged\">").Length - 1); // the maximizer that did not converge, per base
        Assert.Contains("did not converge: not a maximizer", html);
        Assert.Contains("DID NOT CONVERGE", html);
        Assert.Contains("PPO agent", html);
        Assert.Contains("exact proxy-optimal policy", html);
        Assert.DoesNotContain("violated", html);
    }

    [Fact]
    public void A_maximizer_that_did_not_converge_is_labelled_so_and_one_that_did_is_not()
    {
        static string[] Labels(GoodhartCurve c) =>
            [.. GoodhartPlot.CurvePlot(c, "demonstrator").GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Select(s => s.LegendText).Where(t => t.Contains("maximizer", StringComparison.Ordinal))];
        var failed = Curve.Value;
        Assert.False(failed.Maximizer!.Converged);
        Assert.Equal(["PPO maximizer, DID NOT CONVERGE: proxy", "PPO maximizer, DID NOT CONVERGE: true utility"], Labels(failed));
        // The same result with the flag set: drawn as the maximizer.
        var converged = failed with { Bases = [.. failed.Bases.Select(b => b with { Maximizer = b.Maximizer! with { Converged = true } })] };
        Assert.Equal(["PPO maximizer: proxy", "PPO maximizer: true utility"], Labels(converged));
    }

    [Fact]
    public void Save_writes_the_png_atomically()
    {
        string dir = Directory.CreateTempSubdirectory("mesalab-plot").FullName;
        string path = Path.Combine(dir, "goodhart.png");
        GoodhartPlot.Save(Curve.Value, path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
        Assert.Single(Directory.GetFiles(dir));
        Directory.Delete(dir, true);
    }
}
