namespace MesaLab.Worlds;

/// <summary>The splits a YAML file defines for one world.</summary>
public sealed record SplitsFile(World World, IReadOnlyDictionary<string, Split> Splits, string Source)
{
    /// <summary>A split defined in this file or built into the world, optionally with overrides.</summary>
    public Split Get(string name, IReadOnlyDictionary<string, object>? overrides = null, string where = "command line") =>
        SplitsConfig.Resolve(World, name, Splits, overrides, where);
}
