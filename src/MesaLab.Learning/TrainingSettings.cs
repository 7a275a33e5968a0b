namespace MesaLab.Learning;


/// <summary>How a training run is kept and checked (YAML section <c>training:</c>); the learner's own settings are <c>ppo:</c> and <c>network:</c>.</summary>
[ConfigSection("training")]
public sealed record TrainingSettings : ICheckedSettings
{
    /// <summary>Wall-clock seconds between periodic checkpoints: a killed process loses at most this much training.</summary>
    public double CheckpointSeconds { get; init; } = 30;

    /// <summary>Held-out train-split levels (indices from 2^40, disjoint from training) checked at the end of the run.</summary>
    public int HeldOutLevels { get; init; } = 1000;

    /// <summary>Check held-out levels with the most probable move instead of sampling the policy.</summary>
    public bool HeldOutGreedy { get; init; }

    /// <summary><c>cpu</c> (tested) or <c>cuda</c> (needs a CUDA build of TorchSharp).</summary>
    public string Device { get; init; } = "cpu";

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (!(CheckpointSeconds > 0)) yield return ("checkpoint_seconds", $"is {CheckpointSeconds}, but it must be above 0");
        if (HeldOutLevels < 1) yield return ("held_out_levels", $"is {HeldOutLevels}, but it must be at least 1");
        if (Device is not ("cpu" or "cuda")) yield return ("device", $"is '{Device}', but it must be one of cpu, cuda");
    }
}
