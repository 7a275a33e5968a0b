namespace MesaLab.Cli.Options;

using System.CommandLine;
using MesaLab.Experiments;

/// <summary>
/// A command-line option that sets one configuration field: <c>--steps 200000</c> is <c>--set ppo.total_steps=200000</c>.
/// Its help text is the field's own documentation, and its value is checked by the same binding as the file, so
/// errors name the option and the allowed values. The alias is a description: <see cref="CreateOption"/> makes the
/// option for one command, and <see cref="Override"/> finds it by name in the command that was parsed.
/// </summary>
public sealed class ConfigAlias
{
    private readonly Func<string, string> toYaml;
    private readonly Func<Option> create;

    private ConfigAlias(string name, string path, Func<Option> create, Func<string, string> toYaml)
    {
        Name = name;
        Path = path;
        this.create = create;
        this.toYaml = toYaml;
    }

    public string Name { get; }
    public string Path { get; }

    /// <summary>A new option for one command.</summary>
    public Option CreateOption() => create();

    /// <summary>An option taking one value, which must bind to the field at <paramref name="path"/>.</summary>
    public static ConfigAlias Value(string name, string path, string? valueName = null) =>
        new(name, path, () => new Option<string?>(name) { Description = Help(path), HelpName = valueName }, v => v);

    /// <summary>An option taking a comma-separated list (<c>--layers a,b</c>) for a list field.</summary>
    public static ConfigAlias List(string name, string path, string? valueName = null) =>
        new(name, path, () => new Option<string?>(name) { Description = Help(path) + " (comma-separated)", HelpName = valueName },
            v => "[" + string.Join(", ", v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) + "]");

    /// <summary>A flag that sets a true/false field to <paramref name="whenGiven"/>.</summary>
    public static ConfigAlias Flag(string name, string path, bool whenGiven = true, string? description = null) =>
        new(name, path, () => new Option<bool>(name) { Description = description ?? Help(path) }, _ => whenGiven ? "true" : "false");

    /// <summary>The override this option gives, or null when it was not used.</summary>
    public ConfigOverride? Override(ParseResult parse)
    {
        string? text = parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == Name) switch
        {
            Option<bool> flag => parse.GetValue(flag) ? "given" : null,
            Option<string?> value => parse.GetValue(value),
            _ => null,
        };
        return text is null ? null : ConfigOverride.Option(Path, toYaml(text), Name);
    }

    private static string Help(string path)
    {
        var doc = SettingsDocs.Describe(path).TrimEnd('.');
        return doc.Length == 0 ? $"sets {path}" : $"{char.ToLowerInvariant(doc[0])}{doc[1..]} ({path})";
    }
}
