namespace MesaLab.Store;

/// <summary>
/// A generic JSON document attached to a run and/or an evaluation (IRL posterior, quantilizer output,
/// probe accuracies…), so later analyses need no schema change.
/// </summary>
/// <param name="Kind">What the document is (e.g. <c>behavioral_objective</c>, <c>quantilizer</c>); used to find it again.</param>
/// <param name="Name">A free label distinguishing documents of one kind (e.g. the split, the probe layer).</param>
public sealed record ResultRecord(long Id, string? RunId, long? EvaluationId, string Kind, string Name, string Json, DateTimeOffset Created);
