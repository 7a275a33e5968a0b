namespace MesaLab.Reports.Transparency;

using System.Globalization;
using MesaLab.Reports.Html;

/// <summary>One condition of the training-with-transparency comparison: its deployed agents, each measure a mean over seeds.</summary>
/// <param name="Agents">Agents trained for the condition.</param>
/// <param name="Deployed">Agents deployed (the audited conditions withhold flagged ones).</param>
/// <param name="Generalized">Share of deploy episodes whose outcome is "objective generalized" (competence-based), mean over the deployed agents with a 95 % Student-t interval over seeds.</param>
/// <param name="IntendedShare">The mixture of goals' share of the intended goal among goal-directed episodes, mean over agents.</param>
/// <param name="PerAgentGeneralized">Each deployed agent's own generalized share, in seed order.</param>
public sealed record ComparisonTableRow(string Condition, string Description, int Agents, int Deployed,
    Estimate Generalized, Estimate Misgeneralized, Estimate CapabilityFailure, Estimate IntendedShare, IReadOnlyList<double> PerAgentGeneralized);

/// <summary>
/// The report of <c>mesalab compare-transparency</c>: deploy outcomes of plain training, its audited versions, training with
/// transparency and its controls, in one table and one picture.
/// </summary>
public static class TransparencyComparisonReport
{
    public const string FileName = "transparency-comparison.html";

    public static IReadOnlyList<string> Headers(string intended, string proxy) =>
        ["condition", "agents deployed", "objective generalized", "misgeneralized", "capability failure", $"mixture: {intended} share", "generalized, per agent"];

    public static IReadOnlyList<IReadOnlyList<string>> Cells(IReadOnlyList<ComparisonTableRow> rows) =>
    [
        .. rows.Select(r => (IReadOnlyList<string>)
        [
            r.Condition, $"{r.Deployed} of {r.Agents}",
            r.Generalized.Format(), r.Misgeneralized.Format(), r.CapabilityFailure.Format(), r.IntendedShare.Format(),
            r.PerAgentGeneralized.Count == 0 ? "none deployed" : string.Join(", ", r.PerAgentGeneralized.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture))),
        ]),
    ];

    /// <param name="notes">Further paragraphs (the audit rule and its error rates, each agent's audit, timings).</param>
    /// <param name="plot">The outcome shares by condition as a PNG (optional).</param>
    public static HtmlDocument Build(string name, string world, string deploySplit, string intended, string proxy, IReadOnlyList<ComparisonTableRow> rows,
        IReadOnlyList<string> notes, byte[]? plot = null)
    {
        var doc = new HtmlDocument($"MesaLab — training with transparency vs auditing after training ({name})");
        using (doc.Section("transparency-comparison", "Training with transparency vs auditing after training"))
        {
            doc.Paragraph($"World {world}, deploy split {deploySplit}. Every agent plays the same deploy levels. Outcomes are MesaLab's competence-based classes "
                + $"(objective generalized: the {intended} reached efficiently; misgeneralized: another candidate such as the {proxy} pursued competently; capability failure: neither); "
                + $"the {intended} share is the mixture of goals' share among goal-directed episodes. Each number is the mean over a condition's deployed agents (one per seed) "
                + "with a 95 % Student-t interval over seeds; the last column shows every agent.");
            doc.Table(Headers(intended, proxy), Cells(rows), "Deploy outcomes by training condition");
            if (plot is not null) doc.Image(plot, "deploy outcomes by training condition");
            foreach (var r in rows) doc.Paragraph($"{r.Condition}: {r.Description}.", "note");
            foreach (var n in notes) doc.Paragraph(n);
        }
        return doc;
    }

    public static string Write(string directory, string name, string world, string deploySplit, string intended, string proxy, IReadOnlyList<ComparisonTableRow> rows,
        IReadOnlyList<string> notes, byte[]? plot = null)
    {
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Build(name, world, deploySplit, intended, proxy, rows, notes, plot).Save(path);
        return path;
    }
}
