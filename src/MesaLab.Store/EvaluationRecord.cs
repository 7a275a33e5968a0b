namespace MesaLab.Store;

/// <summary>A stored evaluation: an agent deployed on one split for a number of episodes.</summary>
/// <param name="RunId">The run whose policy was evaluated, or null for scripted agents.</param>
/// <param name="Agent">Agent name (e.g. <c>policy</c>, <c>shortest-path:arrow</c>).</param>
/// <param name="SplitFingerprint">The split's parameter values (<c>Split.Fingerprint()</c>), so a redefined split is not confused with the old one.</param>
public sealed record EvaluationRecord(
    long Id,
    string? RunId,
    string Agent,
    string World,
    string Split,
    string SplitFingerprint,
    long Seed,
    int EpisodeCount,
    DateTimeOffset Created);
