namespace MesaLab.Experiments;

/// <summary>
/// How a configuration stored by an older MesaLab is brought to <see cref="ExperimentConfig.CurrentVersion"/>:
/// field renames per format version, applied in order. Version 0 (no <c>config_version</c>) and version 1 have the
/// same fields; a later rename adds a step here instead of making old runs unreadable.
/// </summary>
public static class ConfigMigrations
{
    /// <summary>A field that moved: in configurations older than <paramref name="BeforeVersion"/> it was at <paramref name="From"/>.</summary>
    public sealed record Rename(int BeforeVersion, string From, string To);

    /// <summary>Every rename since the format was versioned, oldest first.</summary>
    public static readonly IReadOnlyList<Rename> Renames = [];

    /// <summary>Applies every rename the stored <paramref name="version"/> predates; each one is noted.</summary>
    public static ConfigNode Apply(ConfigNode root, int version, List<string> notes) => Apply(root, version, notes, Renames);

    internal static ConfigNode Apply(ConfigNode root, int version, List<string> notes, IEnumerable<Rename> renames)
    {
        foreach (var r in renames.Where(r => version < r.BeforeVersion))
        {
            var from = r.From.Split('.');
            if (Find(root, from) is not { } value) continue;
            root = Remove(root, from).WithPath(r.To.Split('.'), value);
            notes.Add($"read '{r.From}' as '{r.To}' (renamed in configuration version {r.BeforeVersion})");
        }
        return root;
    }

    private static ConfigNode? Find(ConfigNode node, ReadOnlySpan<string> path)
    {
        foreach (var key in path)
        {
            if (node.Kind != ConfigNodeKind.Mapping || node[key] is not { } child) return null;
            node = child;
        }
        return node;
    }

    private static ConfigNode Remove(ConfigNode node, string[] path)
    {
        if (path.Length == 1) return ConfigNode.Mapping(node.Entries.Where(e => e.Key != path[0]), node.Location);
        return ConfigNode.Mapping(node.Entries.Select(e => e.Key == path[0] ? e with { Value = Remove(e.Value, path[1..]) } : e), node.Location);
    }
}
