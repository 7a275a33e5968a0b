// Some report tests train or run networks; torch's thread count and seed are process-wide, and another test's
// garbage collection can free a TorchSharp temporary Scalar mid-call (src/MesaLab.Learning/ScalarSafeAdam.cs).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
