namespace MesaLab.Learning;

using TorchSharp;

/// <summary>One place that configures libtorch for MesaLab: thread count and the tested CPU device.</summary>
public static class TorchSetup
{
    /// <summary>Sets torch's intra-op threads explicitly (determinism is promised per thread count).</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), "threads must be at least 1.");
        torch.set_num_threads(threads);
    }
}
