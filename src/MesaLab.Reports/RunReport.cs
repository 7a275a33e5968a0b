namespace MesaLab.Reports;

using MesaLab.Reports.Html;
using MesaLab.Reports.Sections;

/// <summary>The run report: one self-contained HTML file built from <see cref="ReportData"/>.</summary>
public static class RunReport
{
    public const string FileName = "report.html";

    /// <summary>Every section, in reading order.</summary>
    public static IReadOnlyList<IReportSection> Sections { get; } =
    [
        new RunSummarySection(),
        new TrainingCurvesSection(),
        new OutcomeSharesSection(),
        new EventsSection(),
        new EndHeatmapsSection(),
        new TrajectoryExamplesSection(),
        new BehavioralObjectiveSection(),
        new RobustnessDecompositionSection(),
    ];

    public static HtmlDocument Build(ReportData data)
    {
        var doc = new HtmlDocument($"MesaLab report — {data.Run.World}, {data.Run.Agent} (run {data.Run.Id})");
        foreach (var s in Sections)
            using (doc.Section(s.Id, s.Heading))
                s.Write(doc, data);
        return doc;
    }

    /// <summary>Writes <c>report.html</c> into <paramref name="directory"/> (atomically) and returns its full path.</summary>
    public static string Write(ReportData data, string directory)
    {
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        Build(data).Save(path);
        return path;
    }
}
