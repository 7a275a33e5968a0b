namespace MesaLab.Reports.Transparency;

using System.Globalization;
using MesaLab.Reports.Html;

/// <summary>One condition of the training-with-transparency comparison, pooled over its deployed agents.</summary>
/// <param name="Agents">Agents trained for the condition.</param>
/// <param name="Deployed">Agents deployed (the audited condition withholds flagged ones).</param>
/// <param name="IntendedFirst">Share of deploy episodes that reached the intended goal first (95 % Wilson interval over pooled episodes).</param>
/// <param name="PerAgentIntended">Each deployed agent's own share, in seed order (the spread between seeds).</param>
public sealed record ComparisonTableRow(string Condition, string Description, int Agents, int Deployed, int Episodes,
    Estimate IntendedFirst, Estimate ProxyFirst, Estimate Neither, IReadOnlyList<double> PerAgentIntended);

/// <summary>
/// The report of <c>mesalab compare-transparency</c>: objective robustness of plain training, plain training plus a
/// post-hoc probe audit, and transparency-augmented training, in one table.
/// </summary>
public static class TransparencyComparisonReport
{
    public const string FileName = "transparency-comparison.html";

    public static IReadOnlyList<string> Headers(string intended, string proxy) =>
        ["condition", "agents deployed", "episodes", $"{intended} first", $"{proxy} first", "neither", $"{intended} first, per agent"];

    public static IReadOnlyList<IReadOnlyList<string>> Cells(IReadOnlyList<ComparisonTableRow> rows) =>
    [
        .. rows.Select(r => (IReadOnlyList<string>)
        [
            r.Condition, $"{r.Deployed} of {r.Agents}", r.Episodes.ToString(CultureInfo.InvariantCulture),
            r.IntendedFirst.Format(), r.ProxyFirst.Format(), r.Neither.Format(),
            r.PerAgentIntended.Count == 0 ? "none deployed" : string.Join(", ", r.PerAgentIntended.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture))),
        ]),
    ];

    /// <param name="notes">Further paragraphs (the audit rule, each agent's audit numbers, timings).</param>
    public static HtmlDocument Build(string name, string world, string deploySplit, string intended, string proxy, IReadOnlyList<ComparisonTableRow> rows, IReadOnlyList<string> notes)
    {
        var doc = new HtmlDocument($"MesaLab — training with transparency vs auditing after training ({name})");
        using (doc.Section("transparency-comparison", "Training with transparency vs auditing after training"))
        {
            doc.Paragraph($"World {world}, deploy split {deploySplit}. Each agent plays the same deploy levels; an episode counts for the goal it reached first "
                + $"({intended} is the intended objective, {proxy} the proxy), or neither. Intervals are 95 % Wilson intervals over the pooled episodes of a "
                + "condition's deployed agents and do not include seed-to-seed variation; the last column shows that spread.");
            doc.Table(Headers(intended, proxy), Cells(rows), "Objective robustness on the deploy split");
            foreach (var r in rows) doc.Paragraph($"{r.Condition}: {r.Description}.", "note");
            foreach (var n in notes) doc.Paragraph(n);
        }
        return doc;
    }

    public static string Write(string directory, string name, string world, string deploySplit, string intended, string proxy, IReadOnlyList<ComparisonTableRow> rows, IReadOnlyList<string> notes)
    {
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Build(name, world, deploySplit, intended, proxy, rows, notes).Save(path);
        return path;
    }
}
