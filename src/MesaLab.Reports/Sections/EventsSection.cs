namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;

/// <summary>
/// What the agent did along the way, per split: the mean number of each event per episode (keys picked, chests
/// opened, lava entered, …) and, in worlds with keys and chests, keys picked per chest opened — above 1 means keys
/// were collected that opened nothing.
/// </summary>
public sealed class EventsSection : IReportSection
{
    public string Id => "events";
    public string Heading => "Events per episode";

    public void Write(HtmlDocument doc, ReportData data)
    {
        var splits = data.Events.Where(e => e.PerEpisode.Count > 0).ToList();
        if (splits.Count == 0)
        {
            doc.Paragraph("No events were recorded.", "note");
            return;
        }
        doc.Paragraph("Mean number of times each event happened per episode, counted from the recorded steps; intervals are 95 % percentile bootstraps over episodes.");
        var names = splits.SelectMany(e => e.PerEpisode.Select(p => p.Name)).Distinct().ToList();
        doc.Table(["split", "episodes", .. names],
            splits.Select(e => (IReadOnlyList<string>)[e.Split, Format.Int(e.Episodes),
                .. names.Select(n => e.PerEpisode.FirstOrDefault(p => p.Name == n)?.Value.Format() ?? "0")]));
        var ratios = data.Events.Where(e => e.KeysPerChest is not null).ToList();
        if (ratios.Count > 0)
        {
            doc.Paragraph("Keys picked per chest opened (ratio of totals): 1 means every key opened a chest; more means keys were hoarded.");
            doc.Table(["split", "keys picked per chest opened"], ratios.Select(e => (IReadOnlyList<string>)[e.Split, e.KeysPerChest!.Value.Format()]));
        }
    }
}
