namespace MesaLab.Reports.Sections;

using MesaLab.Reports.Html;

/// <summary>
/// The decomposition of the alignment terminology as a tree, with numbers and intervals:
/// alignment → outer alignment + robustness; robustness → objective robustness + capability robustness;
/// inner alignment sits under objective robustness and is not measured behaviourally.
/// </summary>
public sealed class RobustnessDecompositionSection : IReportSection
{
    public string Id => "decomposition";
    public string Heading => "Robustness decomposition";

    public void Write(HtmlDocument doc, ReportData data)
    {
        if (data.Decomposition is not { } d)
        {
            doc.Paragraph("Needs both a train and a deploy evaluation; not available for this run.", "note");
            return;
        }
        doc.Paragraph($"From split {d.TrainSplit} to split {d.DeploySplit}. Intervals are 95 % bootstrap confidence intervals.");
        Draw(doc, d.Tree);
        doc.EndTree();
        doc.Table(["quantity", "value [95 % CI]", "meaning"],
        [
            ["outer alignment", d.OuterAligned ? "aligned" : "misaligned", $"base objective {d.BaseObjective}, intended objective {d.IntendedObjective}"],
            ["robustness", d.Robustness.Format(), "base-objective success, deploy relative to train"],
            ["objective robustness", d.ObjectiveRobustness.Format(), $"P(behavioral objective on deploy = {d.BaseObjective})"],
            ["capability robustness", d.CapabilityRobustness.Format(), "competence at the behavioral objective, deploy relative to train"],
            ["inner alignment", "not measured behaviourally", "needs the mesa-objective, which behaviour alone does not reveal"],
        ]);
        doc.Paragraph(Reading(d));
    }

    private static void Draw(HtmlDocument doc, DecompositionTreeNode node)
    {
        string css = !node.Measured ? "unmeasured" : node.Holds switch { true => "good", false => "bad", _ => "" };
        string value = node.Value is { } v ? v.Format() + " — " + node.Verdict : node.Verdict;
        using (doc.TreeNode(node.Name, value, node.Question, css))
            foreach (var child in node.Children) Draw(doc, child);
    }

    /// <summary>One sentence reading the tree, in the vocabulary of the alignment terminology.</summary>
    public static string Reading(RobustnessDecompositionSummary d)
    {
        bool capable = d.CapabilityRobustness.Value >= RobustnessDecompositionSummary.Holds, objective = d.ObjectiveRobustness.Value >= RobustnessDecompositionSummary.Holds;
        return (capable, objective) switch
        {
            (true, false) => $"Capabilities generalized but the objective did not: on {d.DeploySplit} the agent competently pursues {d.DeployBehavioralObjective} instead of {d.BaseObjective} — objective misgeneralization.",
            (true, true) => $"Both capabilities and objective generalized: on {d.DeploySplit} the agent still competently pursues {d.BaseObjective}.",
            (false, true) => $"The objective generalized but capabilities did not: on {d.DeploySplit} the agent still aims at {d.BaseObjective} but reaches it less competently.",
            _ => $"Neither capabilities nor objective generalized robustly on {d.DeploySplit}.",
        };
    }
}
