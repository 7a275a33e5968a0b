namespace MesaLab.Quantilizers.Tests;

/// <summary>
/// Tests that train networks run alone: torch's thread count and global seed are process-wide, and other tests'
/// allocations trigger garbage collections that TorchSharp's temporary Scalars are not safe against.
/// </summary>
[CollectionDefinition(nameof(TorchSerial), DisableParallelization = true)]
public sealed class TorchSerial;
