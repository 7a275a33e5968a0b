namespace MesaLab.Core.Config;

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

/// <summary>Reads YAML into <see cref="ConfigNode"/> trees (with locations) and writes them back.</summary>
public static partial class ConfigYaml
{
    /// <summary>Parses YAML text; <paramref name="source"/> names it in errors. An empty document is an empty mapping.</summary>
    public static ConfigNode Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            string detail = (e.InnerException?.Message ?? e.Message).Trim().TrimEnd('.');
            int line = (int)e.Start.Line;
            throw new UserError($"{new ConfigLocation(source, line)}: this is not valid YAML ({detail}).", e);
        }
        catch (InvalidOperationException e) // YamlDotNet's scanner throws this on some unterminated flow collections
        {
            throw new UserError($"{source}: this is not valid YAML (an unclosed bracket, brace or quote?).", e);
        }
        if (stream.Documents.Count == 0) return ConfigNode.EmptyMapping(new ConfigLocation(source));
        if (stream.Documents.Count > 1)
            throw new UserError($"{source}: holds {stream.Documents.Count} YAML documents ('---'); an experiment file holds one.");
        return Convert(stream.Documents[0].RootNode, source);
    }

    /// <summary>
    /// Whether <paramref name="text"/> holds any setting: false when it has no YAML document (empty, blank or only
    /// comments) or its document is null (<c>~</c>); an explicit empty mapping <c>{}</c> holds settings (none changed).
    /// </summary>
    public static bool HasSettings(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return true; // Parse reports the syntax error with its line.
        }
        return stream.Documents.Count > 0 && !Convert(stream.Documents[0].RootNode, source).IsNull;
    }

    /// <summary>Parses one command-line value (<c>0.001</c>, <c>[16, 32]</c>, <c>{base: train}</c>) as YAML.</summary>
    public static ConfigNode ParseValue(string text, ConfigLocation location)
    {
        if (text.Length == 0) return ConfigNode.Scalar("", location);
        var node = Parse(text, location.Source);
        return Relocate(node, location);
    }

    private static ConfigNode Relocate(ConfigNode n, ConfigLocation at) => n.Kind switch
    {
        ConfigNodeKind.Scalar => ConfigNode.Scalar(n.Value!, at, n.Quoted),
        ConfigNodeKind.Mapping => ConfigNode.Mapping(n.Entries.Select(e => new ConfigEntry(e.Key, at, Relocate(e.Value, at))), at),
        _ => ConfigNode.Sequence(n.Items.Select(i => Relocate(i, at)), at),
    };

    private static ConfigNode Convert(YamlNode node, string source)
    {
        var at = new ConfigLocation(source, (int)node.Start.Line, (int)node.Start.Column);
        switch (node)
        {
            case YamlScalarNode s:
                return ConfigNode.Scalar(s.Value ?? "", at, s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);
            case YamlSequenceNode q:
                return ConfigNode.Sequence(q.Children.Select(c => Convert(c, source)), at);
            case YamlMappingNode m:
                var entries = new List<ConfigEntry>();
                foreach (var (k, v) in m.Children)
                {
                    var keyAt = new ConfigLocation(source, (int)k.Start.Line, (int)k.Start.Column);
                    if (k is not YamlScalarNode ks) throw new UserError($"{keyAt}: a key must be a plain name, not a list or mapping.");
                    string key = ks.Value ?? "";
                    if (entries.Any(e => e.Key == key))
                        throw new UserError($"{keyAt}: '{key}' appears twice in the same mapping (first at line {entries.First(e => e.Key == key).KeyLocation.Line}).");
                    entries.Add(new ConfigEntry(key, keyAt, Convert(v, source)));
                }
                return ConfigNode.Mapping(entries, at);
            default:
                throw new UserError($"{at}: YAML aliases and other node types are not supported in experiment files.");
        }
    }

    /// <summary>Writes a tree as block YAML (mappings and lists of scalars; scalars quoted when needed to read back the same).</summary>
    public static string Write(ConfigNode node)
    {
        var sb = new StringBuilder();
        if (node.Kind == ConfigNodeKind.Mapping && node.Entries.Count == 0) return "{}\n";
        WriteNode(sb, node, 0);
        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, ConfigNode node, int indent)
    {
        string pad = new(' ', indent);
        switch (node.Kind)
        {
            case ConfigNodeKind.Mapping:
                foreach (var e in node.Entries)
                {
                    sb.Append(pad).Append(Key(e.Key)).Append(':');
                    WriteChild(sb, e.Value, indent);
                }
                break;
            case ConfigNodeKind.Sequence:
                foreach (var item in node.Items)
                {
                    sb.Append(pad).Append('-');
                    WriteChild(sb, item, indent);
                }
                break;
            default:
                sb.Append(pad).Append(Scalar(node)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder sb, ConfigNode value, int indent)
    {
        if (value.Kind == ConfigNodeKind.Scalar) sb.Append(' ').Append(Scalar(value)).Append('\n');
        else if (value.Kind == ConfigNodeKind.Mapping && value.Entries.Count == 0) sb.Append(" {}\n");
        else if (value.Kind == ConfigNodeKind.Sequence && value.Items.Count == 0) sb.Append(" []\n");
        else if (value.Kind == ConfigNodeKind.Sequence && value.Items.All(i => i.Kind == ConfigNodeKind.Scalar))
            sb.Append(" [").Append(string.Join(", ", value.Items.Select(Scalar))).Append("]\n");
        else
        {
            sb.Append('\n');
            WriteNode(sb, value, indent + 2);
        }
    }

    private static string Key(string key) => PlainSafe().IsMatch(key) ? key : Quote(key);

    private static string Scalar(ConfigNode n)
    {
        string v = n.Value ?? "";
        if (!n.Quoted && (PlainSafe().IsMatch(v) || v is "~")) return v;
        if (!n.Quoted && v.Length == 0) return "null";
        // A quoted scalar must stay a string; a plain one that needs quoting (spaces, colons) reads back as the same string.
        return Quote(v);
    }

    private static string Quote(string v) => System.Text.Json.JsonSerializer.Serialize(v); // JSON strings are valid YAML double-quoted scalars

    [GeneratedRegex(@"^[A-Za-z0-9_.+\-/]+$")]
    private static partial Regex PlainSafe();

    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
