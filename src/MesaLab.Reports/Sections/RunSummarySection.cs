namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;

/// <summary>What was run: world, agent, objectives, seed, splits, configuration and timings.</summary>
public sealed class RunSummarySection : IReportSection
{
    public string Id => "run";
    public string Heading => "Run summary";

    public void Write(HtmlDocument doc, ReportData data)
    {
        var r = data.Run;
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "run", r.Id },
            new[] { "world", r.World },
            new[] { "agent", r.Agent },
            new[] { "base objective", r.BaseObjective },
            new[] { "intended objective", r.IntendedObjective },
            new[] { "seed", r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new[] { "environment steps trained", Format.Int(r.EnvSteps) },
        };
        if (r.CreatedAt is { } at) rows.Add(new[] { "created", at.ToString("u", System.Globalization.CultureInfo.InvariantCulture) });
        doc.Table(["", "value"], rows);

        doc.Subheading("Splits");
        if (r.Splits.Count == 0) doc.Paragraph("No split recorded.", "note");
        else doc.Table(["split", "description", "parameters"], r.Splits.Select(s => (IReadOnlyList<string>)[s.Name, s.Description, s.Parameters]));

        doc.Subheading("Configuration");
        if (string.IsNullOrWhiteSpace(r.Config)) doc.Paragraph("No configuration recorded.", "note");
        else doc.Preformatted(r.Config);

        doc.Subheading("Timings");
        if (r.Timings.Count == 0) doc.Paragraph("No timings recorded.", "note");
        else doc.Table(["stage", "seconds"],
            [.. r.Timings.Select(t => (IReadOnlyList<string>)[t.Stage, Format.Number(t.Seconds, "0.0")]),
             ["total", Format.Number(r.Timings.Sum(t => t.Seconds), "0.0")]]);
    }
}
