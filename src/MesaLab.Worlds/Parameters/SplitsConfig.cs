namespace MesaLab.Worlds;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

/// <summary>
/// Splits defined in YAML from a world's parameters, on top of its built-in ones:
/// <code>
/// world: green-arrow-maze
/// splits:
///   train-randomized-2pct: { base: train, randomized_fraction: 0.02 }
/// </code>
/// Each entry names a <c>base</c> split (built in, or defined earlier in the same mapping; default
/// <c>train</c>), an optional <c>description</c>, and parameter values. Larger config files embed the
/// <c>splits:</c> mapping and call <see cref="Read"/> with its node; every error names the file, the line,
/// the field and the allowed values.
/// </summary>
public static class SplitsConfig
{
    /// <summary>Reads a standalone splits file (<c>world:</c> and <c>splits:</c>).</summary>
    public static SplitsFile Load(string path)
    {
        if (!File.Exists(path)) throw new UserError($"splits file '{path}' does not exist.");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a splits file; <paramref name="source"/> names it in errors.</summary>
    public static SplitsFile Parse(string yaml, string source)
    {
        var root = LoadRoot(yaml, source);
        foreach (var key in root.Children.Keys)
        {
            string k = ((YamlScalarNode)key).Value ?? "";
            if (k is not ("world" or "splits"))
                throw new UserError($"{At(source, key)}: unknown field '{k}'; a splits file has the fields world, splits.");
        }
        var worldNode = Child(root, "world") ?? throw new UserError($"{source}: field 'world' is missing; it must be one of {string.Join(", ", WorldCatalog.All.Select(w => w.Name))}.");
        string worldName = Scalar(worldNode, source, "world");
        var world = WorldCatalog.All.FirstOrDefault(w => string.Equals(w.Name, worldName, StringComparison.OrdinalIgnoreCase)) ??
            throw new UserError($"{At(source, worldNode)}: field 'world' is '{worldName}', but it must be one of {string.Join(", ", WorldCatalog.All.Select(w => w.Name))}.");
        var splitsNode = Child(root, "splits");
        IReadOnlyDictionary<string, Split> splits = splitsNode switch
        {
            null => new Dictionary<string, Split>(),
            YamlMappingNode m => Read(world, m, source),
            _ => throw new UserError($"{At(source, splitsNode)}: field 'splits' must be a mapping from split names to {{ base: <split>, <parameter>: <value>, … }}."),
        };
        return new SplitsFile(world, splits, source);
    }

    /// <summary>
    /// Reads a <c>splits:</c> mapping of <paramref name="world"/> (name → { base, description, parameters })
    /// from any YAML document; <paramref name="source"/> is the file name used in errors.
    /// </summary>
    public static IReadOnlyDictionary<string, Split> Read(World world, YamlMappingNode splits, string source)
    {
        var defined = new Dictionary<string, Split>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in splits.Children)
        {
            string name = Scalar(keyNode, source, "split name");
            if (world.SplitNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new UserError($"{At(source, keyNode)}: split '{name}' is built into world '{world.Name}'; give the new split another name and 'base: {name}'.");
            if (defined.ContainsKey(name))
                throw new UserError($"{At(source, keyNode)}: split '{name}' is defined twice.");
            if (valueNode is not YamlMappingNode body)
                throw new UserError($"{At(source, valueNode)}: split '{name}' must be a mapping like {{ base: train, randomized_fraction: 0.02 }}.");

            string baseName = "train";
            string? description = null;
            YamlNode? baseNode = null;
            var values = new Dictionary<string, object>();
            foreach (var (fieldNode, v) in body.Children)
            {
                string field = Scalar(fieldNode, source, "field name");
                string where = $"{At(source, v)}: split '{name}'";
                if (field == "base") { baseName = Scalar(v, source, "base"); baseNode = v; continue; }
                if (field == "description") { description = Scalar(v, source, "description"); continue; }
                var spec = world.Parameter(field) ?? throw new UserError(
                    $"{At(source, fieldNode)}: split '{name}': world '{world.Name}' has no parameter '{field}'; the fields are base, description, {string.Join(", ", world.Parameters.Select(p => p.Name))}.");
                if (values.ContainsKey(spec.Name)) throw new UserError($"{At(source, fieldNode)}: split '{name}': parameter '{field}' is set twice.");
                values[spec.Name] = spec.Parse(Scalar(v, source, field), where); // field-level error with the value's line
            }

            Split baseSplit;
            if (defined.TryGetValue(baseName, out var earlier)) baseSplit = earlier;
            else if (world.SplitNames.Contains(baseName, StringComparer.OrdinalIgnoreCase)) baseSplit = world.Split(baseName);
            else throw new UserError(
                $"{At(source, (YamlNode?)baseNode ?? keyNode)}: split '{name}': field 'base' is '{baseName}', but it must be one of {string.Join(", ", world.SplitNames.Concat(defined.Keys))} (a built-in split or one defined above).");
            defined[name] = baseSplit.With(values, $"{At(source, keyNode)}: split '{name}'", name,
                description ?? $"{baseSplit.Description}; " + string.Join(", ", values.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture)}")));
        }
        return defined;
    }

    /// <summary>A split by name: one of <paramref name="defined"/> (from a file) or a built-in split of the world.</summary>
    public static Split Resolve(World world, string name, IReadOnlyDictionary<string, Split>? defined, IReadOnlyDictionary<string, object>? overrides = null, string where = "command line")
    {
        if (defined is not null)
            foreach (var (k, s) in defined)
                if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
                    return overrides is { Count: > 0 } ? s.With(overrides, where) : s;
        if (!world.SplitNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            var names = world.SplitNames.Concat(defined?.Keys ?? []);
            throw new UserError($"{where}: world '{world.Name}' has no split '{name}'; its splits are {string.Join(", ", names)}{(defined is null ? " (a splits file can define more)" : "")}.");
        }
        return world.Split(name, overrides, where);
    }

    private static YamlMappingNode LoadRoot(string yaml, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw new UserError($"{source}:{e.Start.Line}: not valid YAML ({FirstSentence(e.Message)}).", e); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new UserError($"{source}: a splits file must be a YAML mapping with the fields world, splits.");
        return root;
    }

    private static YamlNode? Child(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string Scalar(YamlNode node, string source, string field) => node is YamlScalarNode s
        ? s.Value ?? ""
        : throw new UserError($"{At(source, node)}: field '{field}' must be a single value, not a list or mapping.");

    /// <summary>"file:line" of a node, for error sentences.</summary>
    public static string At(string source, YamlNode node) => $"{source}:{node.Start.Line}";

    private static string FirstSentence(string message)
    {
        int i = message.IndexOf(". ", StringComparison.Ordinal);
        return (i > 0 ? message[..i] : message).Trim().TrimEnd('.');
    }
}
