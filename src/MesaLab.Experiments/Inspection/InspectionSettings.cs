namespace MesaLab.Experiments;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// Which network states the transparency tools look at (YAML section <c>inspection:</c>): the split, the levels and
/// agent positions activations are recorded on, the layers, and the probe study's controls.
/// </summary>
[ConfigSection("inspection")]
public sealed record InspectionSettings
{
    /// <summary>Split whose levels are used (null: the experiment's deploy split).</summary>
    public string? Split { get; init; }

    /// <summary>Levels generated from the split for activations and probes.</summary>
    [Range(1, 100_000)]
    public int Levels { get; init; } = 250;

    /// <summary>Agent positions per level.</summary>
    [Range(1, 1000)]
    public int StatesPerLevel { get; init; } = 4;

    /// <summary>Layer names to record (empty: up to 8 layers spread over the network; [all]: every layer).</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];

    /// <summary>Probe a randomly initialized network of the same architecture as a control.</summary>
    public bool RandomInitControl { get; init; } = true;

    /// <summary>Run the search-likeness test (success and path efficiency against maze size) with the probes.</summary>
    public bool SearchLikeness { get; init; } = true;

    /// <summary>Level index whose start state the attribution maps explain.</summary>
    [Range(0, long.MaxValue)]
    public long AttributionLevel { get; init; }
}
