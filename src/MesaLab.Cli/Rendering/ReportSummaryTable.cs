namespace MesaLab.Cli.Rendering;

using MesaLab.Reports;
using Spectre.Console;

/// <summary>Prints a <see cref="ReportSummary"/> as a two-column table (the same numbers as the HTML report and <c>--json</c>).</summary>
public static class ReportSummaryTable
{
    public static void Write(TextWriter writer, ReportSummary summary, string title)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)), Border = TableBorder.Rounded };
        table.AddColumn("quantity");
        table.AddColumn("value");
        foreach (var (quantity, value) in summary.Rows())
            table.AddRow(Markup.Escape(quantity), Markup.Escape(value));
        Tables.Console(writer).Write(table);
    }
}
