namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;
using MesaLab.Reports.Plots;

/// <summary>Outcome shares (capability failure, objective generalized, objective misgeneralized) per split and by level size.</summary>
public sealed class OutcomeSharesSection : IReportSection
{
    public string Id => "outcomes";
    public string Heading => "Outcome shares by level size";

    public void Write(HtmlDocument doc, ReportData data)
    {
        if (data.Outcomes.Count == 0)
        {
            doc.Paragraph("No episodes were evaluated.", "note");
            return;
        }
        doc.Paragraph("Every episode is classified against each candidate objective's shortest-path distance on its own level: "
            + "objective generalized (the intended goal reached competently), objective misgeneralized (another candidate pursued competently — "
            + "a capable agent aimed at the wrong target), capability failure (nothing pursued coherently). Intervals are 95 % confidence intervals (Wilson score intervals for shares).");
        doc.Table(["split", "episodes", "capability failure", "objective generalized", "objective misgeneralized"],
            data.Outcomes.Select(o => (IReadOnlyList<string>)[o.Split, Format.Int(o.Overall.Episodes),
                Format.Share(o.Overall.CapabilityFailure), Format.Share(o.Overall.ObjectiveGeneralized), Format.Share(o.Overall.ObjectiveMisgeneralized)]));
        foreach (var o in data.Outcomes.Where(o => o.BySize.Count > 0))
        {
            doc.Subheading($"Split {o.Split}");
            var series = Enum.GetValues<OutcomeClass>().Select(c => new BarSeries(Format.Outcome(c), Color(c), [.. o.BySize.Select(s => s.Shares.Of(c))])).ToList();
            doc.Image(BarChartPlot.Render($"outcome shares by level size — {o.Split}", "level size", "share of episodes", [.. o.BySize.Select(s => s.Size)], series, yMax: 1.05),
                $"outcome shares by level size on split {o.Split}");
            doc.Table(["level size", "episodes", "capability failure", "objective generalized", "objective misgeneralized"],
                o.BySize.Select(s => (IReadOnlyList<string>)[s.Size, Format.Int(s.Shares.Episodes),
                    Format.Share(s.Shares.CapabilityFailure), Format.Share(s.Shares.ObjectiveGeneralized), Format.Share(s.Shares.ObjectiveMisgeneralized)]));
        }
    }

    public static ScottPlot.Color Color(OutcomeClass c) => c switch
    {
        OutcomeClass.CapabilityFailure => PlotPalette.CapabilityFailure,
        OutcomeClass.ObjectiveGeneralized => PlotPalette.ObjectiveGeneralized,
        _ => PlotPalette.ObjectiveMisgeneralized,
    };
}
