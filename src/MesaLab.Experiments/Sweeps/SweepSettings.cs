namespace MesaLab.Experiments;

/// <summary>
/// A sweep (YAML section <c>sweep:</c>): retrain the experiment once per value of one configuration field and plot
/// how the robustness decomposition changes (e.g. objective robustness against <c>randomized_fraction</c>, the
/// mitigation experiment). The runs a sweep makes store their configuration without this section.
/// </summary>
[ConfigSection("sweep")]
public sealed record SweepSettings : ICheckedSettings
{
    /// <summary>The configuration path varied, e.g. <c>splits.train-randomized.randomized_fraction</c>.</summary>
    public string Parameter { get; init; } = "";

    /// <summary>The values it takes, one training run each, run one after another.</summary>
    public IReadOnlyList<double> Values { get; init; } = [];

    /// <summary>The axis label in the plot (default: the last part of the parameter's path).</summary>
    public string? Label { get; init; }

    /// <summary>Show values as percentages (0.02 → 2 %).</summary>
    public bool Percent { get; init; }

    /// <summary>The label shown on the plot's axis.</summary>
    public string AxisLabel => Label ?? Parameter.Split('.')[^1];

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (Values.Distinct().Count() != Values.Count) yield return ("values", "repeats a value; each value is one training run");
    }

    /// <summary>Problems that only matter when a sweep is run (a file without a sweep is a plain experiment).</summary>
    public IEnumerable<(string Field, string Problem)> CheckRunnable()
    {
        if (string.IsNullOrWhiteSpace(Parameter)) yield return ("parameter", "is missing; name the configuration path to vary, e.g. splits.train-randomized.randomized_fraction");
        if (Values.Count == 0) yield return ("values", "is empty; give at least one value, e.g. [0, 0.005, 0.02, 0.1]");
    }
}
