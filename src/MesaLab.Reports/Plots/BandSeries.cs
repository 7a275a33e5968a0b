namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>A line with a confidence band: one estimate per x.</summary>
public sealed record BandSeries(string Name, Color Color, IReadOnlyList<double> X, IReadOnlyList<Estimate> Y);
