namespace MesaLab.Core.Config;

/// <summary>
/// One command-line change to an experiment: a dotted path and a YAML value (<c>--set ppo.learning_rate=0.001</c>,
/// <c>--set splits.deploy-huge={base: deploy, max_size: 24}</c>). Validated like the file; errors name <see cref="Source"/>.
/// </summary>
public sealed record ConfigOverride(string Path, string Value, string Source)
{
    /// <summary>Parses <c>path=value</c> as given to <c>--set</c>.</summary>
    public static ConfigOverride Parse(string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new UserError($"--set '{assignment}' must have the form path=value, e.g. --set ppo.learning_rate=0.001.");
        return new ConfigOverride(assignment[..eq].Trim(), assignment[(eq + 1)..].Trim(), "--set " + assignment);
    }

    /// <summary>An override from a dedicated option (e.g. <c>--world</c>, <c>--seed</c>).</summary>
    public static ConfigOverride Option(string path, string value, string option) => new(path, value, $"{option} {value}");

    public ConfigNode ApplyTo(ConfigNode root)
    {
        var keys = Path.Split('.');
        if (keys.Any(k => k.Length == 0))
            throw new UserError($"{Source}: '{Path}' is not a field path; write names separated by dots, e.g. ppo.learning_rate.");
        var value = ConfigYaml.ParseValue(Value, new ConfigLocation(Source));
        return root.WithPath(keys, value);
    }
}
