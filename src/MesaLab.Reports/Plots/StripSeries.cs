namespace MesaLab.Reports.Plots;

using ScottPlot;

/// <summary>One series of a strip plot: per group, the values of the individual seeds and the estimate drawn over them.</summary>
public sealed record StripSeries(string Name, Color Color, IReadOnlyList<IReadOnlyList<double>> Values, IReadOnlyList<Estimate> Estimates);
