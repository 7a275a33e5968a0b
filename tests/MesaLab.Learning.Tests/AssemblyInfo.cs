// Every test here trains or runs networks. Torch's thread count and global seed are process-wide, and a garbage
// collection caused by another test's allocations can free a TorchSharp temporary Scalar while libtorch still
// reads it (see src/MesaLab.Learning/ScalarSafeAdam.cs). So these tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
