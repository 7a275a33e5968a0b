namespace MesaLab.Reports;

using System.Globalization;
using MesaLab.Reports.Html;
using MesaLab.Reports.Plots;

/// <summary>One point of a sweep: the swept value, its run and the decomposition numbers on deploy.</summary>
/// <param name="ReportPath">The run's own report (linked from the sweep report by relative path).</param>
public sealed record SweepPoint(double Value, string RunId, string ReportPath, Estimate ObjectiveRobustness, Estimate ObjectiveGeneralized,
    Estimate CapabilityRobustness, Estimate Robustness, string DeployBehavioralObjective);

/// <summary>
/// The report of a sweep (e.g. the mitigation experiment): objective robustness, the share of deploy episodes in
/// which the objective generalized, and capability robustness against the swept value, with each run's report linked.
/// </summary>
public static class SweepReport
{
    public const string FileName = "sweep.html";

    public static string ValueText(double v, bool percent) =>
        percent ? (v * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %" : v.ToString("0.####", CultureInfo.InvariantCulture);

    public static byte[] Plot(string label, bool percent, IReadOnlyList<SweepPoint> points)
    {
        var xs = points.Select(p => p.Value).ToList();
        return ConfidenceBandPlot.Render($"objective robustness against {label}", label, "probability / ratio",
        [
            new BandSeries("objective robustness (mixture weight of the base objective)", PlotPalette.ObjectiveGeneralized, xs, [.. points.Select(p => p.ObjectiveRobustness)]),
            new BandSeries("objective generalized (share of deploy episodes)", PlotPalette.SeriesColor(2), xs, [.. points.Select(p => p.ObjectiveGeneralized)]),
            new BandSeries("capability robustness", PlotPalette.CapabilityFailure, xs, [.. points.Select(p => p.CapabilityRobustness)]),
        ], [.. points.Select(p => ValueText(p.Value, percent))], yMin: 0, yMax: 1.1);
    }

    public static HtmlDocument Build(string name, string parameter, string label, bool percent, IReadOnlyList<SweepPoint> points, string directory)
    {
        var doc = new HtmlDocument($"MesaLab sweep — {name}: {label}");
        using (doc.Section("sweep", $"Objective robustness against {label}"))
        {
            doc.Paragraph($"One training run per value of {parameter}, each deployed on the shifted split. Objective robustness is the posterior "
                + "probability that the deploy behavioral objective is the base objective; intervals are 95 % bootstrap intervals.");
            if (points.Count == 0) doc.Paragraph("No run finished.", "note");
            else
            {
                doc.Image(Plot(label, percent, points), $"objective robustness against {label}");
                doc.Table([label, "run", "objective robustness", "objective generalized", "capability robustness", "robustness", "deploy behavioral objective", "report"],
                    points.Select(p => (IReadOnlyList<string>)[ValueText(p.Value, percent), p.RunId, p.ObjectiveRobustness.Format(), p.ObjectiveGeneralized.Format(),
                        p.CapabilityRobustness.Format(), p.Robustness.Format(), p.DeployBehavioralObjective, Path.GetRelativePath(directory, p.ReportPath)]));
            }
        }
        return doc;
    }

    public static string Write(string name, string parameter, string label, bool percent, IReadOnlyList<SweepPoint> points, string directory)
    {
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        Build(name, parameter, label, percent, points, Path.GetDirectoryName(path)!).Save(path);
        return path;
    }
}
