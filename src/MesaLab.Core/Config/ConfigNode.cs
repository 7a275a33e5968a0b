namespace MesaLab.Core.Config;

/// <summary>The shape of a <see cref="ConfigNode"/>.</summary>
public enum ConfigNodeKind
{
    Scalar,
    Mapping,
    Sequence,
}

/// <summary>One key of a mapping, with where the key was written (for "unknown field" errors).</summary>
public sealed record ConfigEntry(string Key, ConfigLocation KeyLocation, ConfigNode Value);

/// <summary>
/// A parsed configuration value that remembers where it was written, so that errors found while binding
/// a section (possibly long after loading) still name the file and line. Immutable.
/// </summary>
public sealed class ConfigNode
{
    private ConfigNode(ConfigNodeKind kind, ConfigLocation location, string? value, bool quoted, IReadOnlyList<ConfigEntry> entries, IReadOnlyList<ConfigNode> items)
    {
        Kind = kind;
        Location = location;
        Value = value;
        Quoted = quoted;
        Entries = entries;
        Items = items;
    }

    public ConfigNodeKind Kind { get; }
    public ConfigLocation Location { get; }

    /// <summary>Scalar text as written (without quotes); null for mappings and sequences.</summary>
    public string? Value { get; }

    /// <summary>Whether the scalar was quoted (then <c>"null"</c> or <c>"yes"</c> are plain strings).</summary>
    public bool Quoted { get; }

    /// <summary>Mapping entries in file order (empty for other kinds).</summary>
    public IReadOnlyList<ConfigEntry> Entries { get; }

    /// <summary>Sequence items (empty for other kinds).</summary>
    public IReadOnlyList<ConfigNode> Items { get; }

    /// <summary>A plain <c>null</c>, <c>~</c> or empty scalar.</summary>
    public bool IsNull => Kind == ConfigNodeKind.Scalar && !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";

    public static ConfigNode Scalar(string value, ConfigLocation location, bool quoted = false) => new(ConfigNodeKind.Scalar, location, value, quoted, [], []);

    public static ConfigNode Mapping(IEnumerable<ConfigEntry> entries, ConfigLocation location) => new(ConfigNodeKind.Mapping, location, null, false, entries.ToList(), []);

    public static ConfigNode Sequence(IEnumerable<ConfigNode> items, ConfigLocation location) => new(ConfigNodeKind.Sequence, location, null, false, [], items.ToList());

    public static ConfigNode EmptyMapping(ConfigLocation location) => Mapping([], location);

    /// <summary>The entry for <paramref name="key"/> in a mapping, or null.</summary>
    public ConfigEntry? Entry(string key) => Entries.FirstOrDefault(e => e.Key == key);

    public ConfigNode? this[string key] => Entry(key)?.Value;

    /// <summary>
    /// This node with <paramref name="over"/> laid on top: mappings merge key by key (recursively), anything
    /// else is replaced whole (a list in a config file replaces the default list).
    /// </summary>
    public ConfigNode MergedWith(ConfigNode over)
    {
        if (Kind != ConfigNodeKind.Mapping || over.Kind != ConfigNodeKind.Mapping) return over;
        var entries = Entries.ToList();
        foreach (var e in over.Entries)
        {
            int i = entries.FindIndex(x => x.Key == e.Key);
            if (i < 0) entries.Add(e);
            else entries[i] = e with { Value = entries[i].Value.MergedWith(e.Value) };
        }
        return Mapping(entries, over.Location.Line > 0 ? over.Location : Location);
    }

    /// <summary>This mapping with the value at a dotted path set (creating mappings along the way).</summary>
    public ConfigNode WithPath(IReadOnlyList<string> path, ConfigNode value)
    {
        if (path.Count == 0) return MergedWith(value);
        var entries = (Kind == ConfigNodeKind.Mapping ? Entries : []).ToList();
        int i = entries.FindIndex(x => x.Key == path[0]);
        var child = i >= 0 && entries[i].Value.Kind == ConfigNodeKind.Mapping ? entries[i].Value : EmptyMapping(value.Location);
        var updated = path.Count == 1 ? (i >= 0 ? entries[i].Value.MergedWith(value) : value) : child.WithPath(path.Skip(1).ToList(), value);
        var entry = new ConfigEntry(path[0], value.Location, updated);
        if (i >= 0) entries[i] = entry;
        else entries.Add(entry);
        return Mapping(entries, Kind == ConfigNodeKind.Mapping ? Location : value.Location);
    }

    /// <summary>This mapping without the given key.</summary>
    public ConfigNode Without(string key) => Mapping(Entries.Where(e => e.Key != key), Location);

    public override string ToString() => Kind switch
    {
        ConfigNodeKind.Scalar => Value ?? "",
        ConfigNodeKind.Mapping => "{" + string.Join(", ", Entries.Select(e => $"{e.Key}: {e.Value}")) + "}",
        _ => "[" + string.Join(", ", Items) + "]",
    };
}
