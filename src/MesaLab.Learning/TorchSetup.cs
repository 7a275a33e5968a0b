namespace MesaLab.Learning;

using MesaLab.Worlds;
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

    /// <summary>The device named by <c>--device</c>: <c>cpu</c> (tested), or <c>cuda</c> when a CUDA build of TorchSharp is present.</summary>
    public static torch.Device Device(string name) => name switch
    {
        "cpu" => torch.CPU,
        "cuda" when torch.cuda.is_available() => torch.CUDA,
        "cuda" => throw new UserError("--device cuda: no CUDA device is available to this TorchSharp build (TorchSharp-cpu is installed); use --device cpu, or install TorchSharp-cuda-linux."),
        _ => throw new UserError($"--device is '{name}', but it must be one of cpu, cuda."),
    };
}
