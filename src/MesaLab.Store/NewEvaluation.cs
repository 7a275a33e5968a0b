namespace MesaLab.Store;

/// <summary>What a caller supplies to store an evaluation; the episode count comes from the episodes given.</summary>
public sealed record NewEvaluation(string? RunId, string Agent, string World, string Split, string SplitFingerprint, long Seed);
