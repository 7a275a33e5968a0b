namespace MesaLab.Reports.Plots;

/// <summary>One named curve: y against x (for training curves, x is environment steps).</summary>
public sealed record CurveSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
