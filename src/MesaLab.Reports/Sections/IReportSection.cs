namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;

/// <summary>One section of a run report: an anchor id, a heading, and how it draws itself from <see cref="ReportData"/>.</summary>
public interface IReportSection
{
    string Id { get; }
    string Heading { get; }

    /// <summary>Writes the section's body; a section without data says so rather than disappearing.</summary>
    void Write(HtmlDocument doc, ReportData data);
}
