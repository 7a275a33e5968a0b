namespace MesaLab.Reports.Pipelines;

using MesaLab.Worlds;
using MesaLab.Worlds.Config;

/// <summary>
/// The <c>sweep:</c> section of an experiment file: retrain the experiment once per value of one configuration
/// field and plot how the robustness decomposition changes (e.g. objective robustness against
/// <c>randomized_fraction</c>, the mitigation experiment). Read by <see cref="SweepPipeline"/> only, not registered
/// as an experiment section, so the configurations stored with the sweep's runs stay ordinary experiments.
/// </summary>
public sealed record SweepSettings : ICheckedSettings
{
    /// <summary>The configuration path varied, e.g. <c>splits.train-randomized.randomized_fraction</c>.</summary>
    public string Parameter { get; init; } = "";

    /// <summary>The values it takes, one training run each, run one after another.</summary>
    public IReadOnlyList<double> Values { get; init; } = [];

    /// <summary>The axis label in the plot (default: the last part of <see cref="Parameter"/>).</summary>
    public string? Label { get; init; }

    /// <summary>Show values as percentages (0.02 → 2 %).</summary>
    public bool Percent { get; init; }

    public IEnumerable<(string Field, string Problem)> Check()
    {
        if (string.IsNullOrWhiteSpace(Parameter)) yield return ("parameter", "is missing; name the configuration path to vary, e.g. splits.train-randomized.randomized_fraction");
        if (Values.Count == 0) yield return ("values", "is empty; give at least one value, e.g. [0, 0.005, 0.02, 0.1]");
        if (Values.Distinct().Count() != Values.Count) yield return ("values", "repeats a value; each value is one training run");
    }

    /// <summary>
    /// Separates an experiment file's <c>sweep:</c> section from the experiment: the section is bound on its own and
    /// blanked out of the text line for line, so errors in the rest of the file keep their line numbers.
    /// </summary>
    public static (string ExperimentYaml, SweepSettings Sweep) Split(string yaml, string source)
    {
        var root = ConfigYaml.Parse(yaml, source);
        if (root.Kind != ConfigNodeKind.Mapping || root.Entry("sweep") is not { } entry)
            throw new UserError($"{source}: there is no 'sweep:' section; add one with 'parameter' (a configuration path) and 'values' (a list), as in configs/mitigation.yaml.");
        var sweep = ConfigBinder.Bind<SweepSettings>(entry.Value, "sweep");
        var problems = sweep.Check().ToList();
        if (problems.Count > 0) throw new UserError($"{entry.KeyLocation}: sweep.{problems[0].Field} {problems[0].Problem}.");
        var lines = yaml.Split('\n');
        int start = Array.FindIndex(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^sweep\s*:"));
        if (start >= 0)
        {
            lines[start] = "";
            for (int i = start + 1; i < lines.Length && (lines[i].Length == 0 || char.IsWhiteSpace(lines[i][0])); i++) lines[i] = "";
        }
        return (string.Join('\n', lines), sweep);
    }

}
