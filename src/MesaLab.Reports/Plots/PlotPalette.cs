namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>Colours and sizes every MesaLab picture shares, so outcome classes look the same in every plot.</summary>
public static class PlotPalette
{
    public const int Width = 720;
    public const int Height = 400;

    /// <summary>Capability failure: grey (the agent pursued nothing coherently).</summary>
    public static readonly Color CapabilityFailure = Color.FromHex("#8c8c8c");
    /// <summary>Objective generalized: blue.</summary>
    public static readonly Color ObjectiveGeneralized = Color.FromHex("#1f77b4");
    /// <summary>Objective misgeneralized: orange-red (the dangerous case).</summary>
    public static readonly Color ObjectiveMisgeneralized = Color.FromHex("#d62728");

    /// <summary>Series colours for curves and bars that are not outcome classes.</summary>
    public static readonly Color[] Series =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#17becf"),
    ];

    public static Color SeriesColor(int i) => Series[i % Series.Length];

    /// <summary>A new plot whose text uses a font that has glyphs (fonts are fixed when a plot is created).</summary>
    public static Plot NewPlot()
    {
        Fonts.Ensure();
        return new Plot();
    }

    /// <summary>Renders a plot as PNG bytes.</summary>
    public static byte[] Png(Plot plot, int width = Width, int height = Height)
    {
        Fonts.Ensure();
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
