// Torch's intra-op thread pool and global RNG are process-wide: a test that changes them while another
// test class's forward/backward pass runs on a second xunit thread produced sporadic NaN gradients
// (seen in AttributionTests under load). Run this assembly's tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
