namespace MesaLab.Analysis;

/// <summary>One node of the alignment-terminology tree, with its measured value when there is one.</summary>
/// <param name="Key">snake_case identifier (<c>capability_robustness</c>).</param>
/// <param name="Name">The term as DESIGN.md spells it.</param>
/// <param name="Question">What the node asks, in one line.</param>
/// <param name="Value">The measurement with its 95 % bootstrap interval; null when not measured.</param>
/// <param name="Verdict">One short reading of the value.</param>
/// <param name="Measured">False for inner alignment, which behaviour alone cannot measure.</param>
public sealed record DecompositionNode(string Key, string Name, string Question, Estimate? Value, string Verdict, bool Measured,
    IReadOnlyList<DecompositionNode> Children)
{
    /// <summary>How the value is measured, in one sentence.</summary>
    public string Definition { get; init; } = "";

    /// <summary>Whether the property holds by its threshold (drawn green or red); null when not measured or not measurable.</summary>
    public bool? Holds { get; init; }

    /// <summary>This node and all below it, depth first.</summary>
    public IEnumerable<DecompositionNode> Flatten() => Children.SelectMany(c => c.Flatten()).Prepend(this);
}
