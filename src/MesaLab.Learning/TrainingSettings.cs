namespace MesaLab.Learning;

using System.ComponentModel.DataAnnotations;

/// <summary>How a training run is kept and checked (YAML section <c>training:</c>); the learner's own settings are <c>ppo:</c> and <c>network:</c>.</summary>
[ConfigSection("training")]
public sealed record TrainingSettings : ICheckedSettings
{
    /// <summary>Wall-clock seconds between periodic checkpoints: a killed process loses at most this much training.</summary>
    [Range(0.0, 1e7, MinimumIsExclusive = true)] public double CheckpointSeconds { get; init; } = 30;

    /// <summary>Held-out train-split levels (indices from 2^40, disjoint from training) checked at the end of the run.</summary>
    [Range(1, 1_000_000)] public int HeldOutLevels { get; init; } = 1000;

    /// <summary>Check held-out levels with the most probable move instead of sampling the policy.</summary>
    public bool HeldOutGreedy { get; init; }

    /// <summary><c>cpu</c> (tested) or <c>cuda</c> (needs a CUDA build of TorchSharp).</summary>
    public string Device { get; init; } = "cpu";

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (Device is not ("cpu" or "cuda")) yield return ("device", $"is '{Device}', but it must be one of cpu, cuda");
    }
}
