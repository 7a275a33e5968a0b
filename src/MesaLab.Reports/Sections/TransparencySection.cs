namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;

/// <summary>The transparency studies stored with the run (decision squares, steering, retargeting, resampling), one table each.</summary>
public sealed class TransparencySection : IReportSection
{
    public string Id => "transparency";
    public string Heading => "Looking inside: studies with controls";

    public void Write(HtmlDocument doc, ReportData data)
    {
        if (data.Transparency.Count == 0)
        {
            doc.Paragraph("No transparency study is stored with this run (mesalab decision-squares, steer, retarget or resample RUN adds one).", "note");
            return;
        }
        foreach (var t in data.Transparency)
        {
            doc.Subheading($"{t.Study} ({t.Split})");
            if (t.Summary.Length > 0) doc.Paragraph(t.Summary);
            doc.Table(t.Headers, t.Rows);
        }
    }
}
