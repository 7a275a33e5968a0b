namespace MesaLab.Store;

/// <summary>A reference to a checkpoint file written by a run (the file itself lives in the workspace).</summary>
/// <param name="Path">Path relative to the workspace directory, with forward slashes (e.g. <c>a3f9c2e1/ckpt-000120.pt</c>).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file, so a corrupt or replaced file is detected.</param>
/// <param name="Size">File size in bytes.</param>
public sealed record CheckpointRecord(string RunId, long Update, long EnvStep, string Path, string Sha256, long Size, DateTimeOffset Created);
