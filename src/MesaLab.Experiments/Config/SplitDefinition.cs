namespace MesaLab.Experiments;

/// <summary>
/// A split defined in an experiment file: <c>splits: { deploy-huge: { base: deploy, min_size: 16, max_size: 24 } }</c>.
/// Its levels use the world's defaults, then the base split's values, then <c>world_parameters</c>, then its own values.
/// </summary>
/// <param name="Base">The split it starts from (built-in or defined; default <c>train</c>).</param>
/// <param name="Values">Parameter overrides, each with the node it was written in (for error locations).</param>
public sealed record SplitDefinition(string Name, string Base, string? Description, IReadOnlyList<ConfigEntry> Values, ConfigLocation Location);
