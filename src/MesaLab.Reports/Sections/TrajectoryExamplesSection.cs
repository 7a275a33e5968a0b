namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;

/// <summary>Example trajectory pictures, one per outcome class and split where such an episode occurred.</summary>
public sealed class TrajectoryExamplesSection : IReportSection
{
    public string Id => "examples";
    public string Heading => "Example trajectories";

    public void Write(HtmlDocument doc, ReportData data)
    {
        if (data.Examples.Count == 0)
        {
            doc.Paragraph("No episode pictures available.", "note");
            return;
        }
        foreach (var split in data.Examples.Select(e => e.Split).Distinct())
        {
            doc.Subheading($"Split {split}");
            var examples = data.Examples.Where(e => e.Split == split).ToList();
            var missing = Enum.GetValues<OutcomeClass>().Where(c => examples.All(e => e.Outcome != c)).Select(Format.Outcome).ToList();
            using (doc.Gallery())
                foreach (var e in examples.OrderBy(e => e.Outcome))
                    doc.Image(e.Png, $"{Format.Outcome(e.Outcome)} on {split}", $"{Format.Outcome(e.Outcome)}: {e.Caption}");
            if (missing.Count > 0) doc.Paragraph($"No episode on this split was classified as {string.Join(" or ", missing)}.", "note");
        }
    }
}
