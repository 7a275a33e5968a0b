namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;
using MesaLab.Reports.Plots;

/// <summary>Heatmaps of where episodes ended.</summary>
public sealed class EndHeatmapsSection : IReportSection
{
    public string Id => "endings";
    public string Heading => "Where episodes ended";

    public void Write(HtmlDocument doc, ReportData data)
    {
        if (data.EndHeatmaps.Count == 0)
        {
            doc.Paragraph("No episodes were evaluated.", "note");
            return;
        }
        using (doc.Gallery())
            foreach (var h in data.EndHeatmaps)
                doc.Image(GridHeatmapPlot.Render(h.Title, h.Width, h.Height, h.Values, h.ColorLabel, h.Markers, width: 460, height: 400),
                    $"{h.Title} ({h.Split})", h.Caption);
    }
}
