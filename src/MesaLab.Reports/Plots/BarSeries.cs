namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>One series of a grouped bar chart: a value with its interval per group (NaN value: no bar).</summary>
public sealed record BarSeries(string Name, Color Color, IReadOnlyList<Estimate> Values);
