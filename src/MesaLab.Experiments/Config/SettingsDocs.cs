namespace MesaLab.Experiments;

using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

/// <summary>
/// The description of every configuration field, read from the settings records' XML documentation (their doc
/// comments are the single source): for option help text, <c>mesalab config show --docs</c> and docs/configuration.md.
/// </summary>
public static partial class SettingsDocs
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> docs = new();

    /// <summary>One field of a section: its path, type in words, default value and description.</summary>
    public sealed record Field(string Path, string Type, string Default, string Description);

    /// <summary>The one-line summary of a type or property (empty when the assembly's documentation file is missing).</summary>
    public static string Summary(MemberInfo member)
    {
        var type = member as Type ?? member.DeclaringType!;
        var table = docs.GetOrAdd(type.Assembly, Load);
        string id = member is Type t ? "T:" + Name(t) : "P:" + Name(member.DeclaringType!) + "." + member.Name;
        if (table.TryGetValue(id, out var s)) return s;
        // A positional record's property is documented by its <param> on the type.
        if (member is PropertyInfo && table.TryGetValue("T:" + Name(type) + "#" + member.Name, out var p)) return p;
        return "";
    }

    /// <summary>The description of the field at a configuration path such as <c>ppo.total_steps</c> or <c>seed</c>.</summary>
    public static string Describe(string path)
    {
        var parts = path.Split('.');
        if (parts.Length == 1) return CoreFieldDocs.GetValueOrDefault(path, "");
        if (!ExperimentSections.All.TryGetValue(parts[0], out var type)) return "";
        PropertyInfo? property = null;
        foreach (var key in parts[1..])
        {
            property = ConfigBinder.Members(type).FirstOrDefault(m => m.Key == key).Property;
            if (property is null) return "";
            type = property.PropertyType;
        }
        return property is null ? "" : Summary(property);
    }

    /// <summary>The core fields of every experiment and what they mean.</summary>
    public static readonly IReadOnlyDictionary<string, string> CoreFieldDocs = new Dictionary<string, string>
    {
        ["config_version"] = "Format version of a configuration stored with a run (written by MesaLab; files need not give it).",
        ["name"] = "The experiment's name (default: the world's name); runs get it as their name.",
        ["world"] = "The world (mesalab worlds list shows them).",
        ["world_parameters"] = "Parameter values applied to every split of the world (mesalab worlds show WORLD lists them).",
        ["splits"] = "More splits: a name, the split it starts from (base) and the parameters it changes.",
        ["train_split"] = "The split agents train on.",
        ["deploy_split"] = "The shifted split agents are deployed on.",
        ["seed"] = "The experiment's seed: training levels, initial weights and action sampling (evaluations use evaluation.seed).",
        ["threads"] = "Torch threads and parallel rollouts; results are reproducible for a given thread count.",
    };

    /// <summary>Every field of every section with its default, in section order.</summary>
    public static IEnumerable<(string Section, string Summary, IReadOnlyList<Field> Fields)> Sections()
    {
        foreach (var type in ExperimentSections.Types)
        {
            var fields = new List<Field>();
            Collect(type, Activator.CreateInstance(type), ExperimentSections.NameOf(type), fields);
            yield return (ExperimentSections.NameOf(type), Summary(type), fields);
        }
    }

    private static void Collect(Type type, object? defaults, string prefix, List<Field> into)
    {
        foreach (var (key, property) in ConfigBinder.Members(type))
        {
            var value = defaults is null ? null : property.GetValue(defaults);
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            bool nested = t.IsClass && t != typeof(string) && !t.IsArray && !t.IsGenericType;
            if (nested) { Collect(t, value, $"{prefix}.{key}", into); continue; }
            into.Add(new Field($"{prefix}.{key}", TypeText(property), FormatDefault(value), Summary(property)));
        }
    }

    // The type in words, with the allowed range when the field declares one.
    private static string TypeText(PropertyInfo property)
    {
        var type = property.PropertyType;
        if (Ranges.RangeOf(property) is not { } range) return ConfigBinder.Describe(type);
        if (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
            return $"{ConfigBinder.Describe(type)}, each {Ranges.Describe(range, element)}";
        }
        return Ranges.Describe(range, type);
    }

    private static string FormatDefault(object? value) => value switch
    {
        null => "null",
        string s => s.Length == 0 ? "\"\"" : s,
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Select(FormatDefault)) + "]",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The reference of every core field and section as Markdown (the generated part of docs/configuration.md).</summary>
    public static string Markdown()
    {
        var md = new StringBuilder();
        md.Append("### Core fields\n\n| field | meaning |\n| --- | --- |\n");
        foreach (var (k, v) in CoreFieldDocs) md.Append(CultureInfo.InvariantCulture, $"| `{k}` | {v} |\n");
        foreach (var (section, summary, fields) in Sections())
        {
            md.Append(CultureInfo.InvariantCulture, $"\n### `{section}`\n\n{summary}\n\n| field | type | default | meaning |\n| --- | --- | --- | --- |\n");
            foreach (var f in fields)
                md.Append(CultureInfo.InvariantCulture, $"| `{f.Path}` | {f.Type} | `{f.Default}` | {f.Description.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }
        return md.ToString();
    }

    private static string Name(Type t) => (t.FullName ?? t.Name).Replace('+', '.');

    private static IReadOnlyDictionary<string, string> Load(Assembly assembly)
    {
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        string? path = string.IsNullOrEmpty(assembly.Location) ? null : Path.ChangeExtension(assembly.Location, ".xml");
        if (path is null || !File.Exists(path)) return table;
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = member.Attribute("name")?.Value;
            if (name is null) continue;
            if (member.Element("summary") is { } summary) table[name] = Text(summary);
            if (name.StartsWith("T:", StringComparison.Ordinal))
                foreach (var param in member.Elements("param"))
                    if (param.Attribute("name")?.Value is { } p) table[$"{name}#{p}"] = Text(param);
        }
        return table;
    }

    // Doc comments hold <c>, <see cref> and <paramref>: keep their text, fold the white space.
    private static string Text(XElement e)
    {
        var sb = new StringBuilder();
        foreach (var node in e.Nodes())
        {
            switch (node)
            {
                case XText t: sb.Append(t.Value); break;
                case XElement { Name.LocalName: "c" } c: sb.Append('`').Append(c.Value).Append('`'); break;
                case XElement x when x.Attribute("cref") is { } cref: sb.Append(cref.Value[(cref.Value.LastIndexOf('.') + 1)..]); break;
                case XElement x when x.Attribute("name") is { } n: sb.Append(n.Value); break;
                case XElement x: sb.Append(x.Value); break;
            }
        }
        return Spaces().Replace(sb.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
