namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;
using MesaLab.Reports.Plots;

/// <summary>Training curves: each logged metric against environment steps.</summary>
public sealed class TrainingCurvesSection : IReportSection
{
    /// <summary>Metrics drawn first, in this order (the CleanRL vocabulary); others follow alphabetically.</summary>
    private static readonly string[] Preferred = ["episodic_return", "episodic_length", "success", "entropy", "approx_kl", "value_loss", "policy_loss", "clipfrac", "explained_variance", "SPS"];

    public const int MaxCurves = 6;

    public string Id => "training";
    public string Heading => "Training curves";

    public void Write(HtmlDocument doc, ReportData data)
    {
        var curves = data.TrainingCurves.Where(m => m.Steps.Count > 0)
            .OrderBy(m => Array.IndexOf(Preferred, m.Name) is var i && i >= 0 ? i : Preferred.Length)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .Take(MaxCurves).ToList();
        if (curves.Count == 0)
        {
            doc.Paragraph("No training metrics recorded for this run (a scripted agent is not trained).", "note");
            return;
        }
        doc.Paragraph("Each metric as logged by the trainer, against environment steps.");
        using (doc.Gallery())
            foreach (var m in curves)
                doc.Image(TrainingCurvePlot.Render(m.Name, [new CurveSeries(m.Name, m.Steps, m.Values)], 520, 320),
                    $"{m.Name} against environment steps", $"{m.Name}: last value {Format.Number(m.Values[^1])} at {Format.Int((long)m.Steps[^1])} steps.");
    }
}
