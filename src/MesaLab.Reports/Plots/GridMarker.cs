namespace MesaLab.Reports.Plots;

/// <summary>A labelled mark drawn over one cell of a grid heatmap (e.g. the goal at the centre of an offset map).</summary>
public sealed record GridMarker(int X, int Y, string Label);
