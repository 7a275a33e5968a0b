namespace MesaLab.Cli.Options;

using System.CommandLine;
using MesaLab.Experiments;
using MesaLab.Worlds;

/// <summary>
/// What the verbs that draw or play a world's levels share: WORLD, --split, --param key=value (repeatable), --splits
/// FILE (an experiment file whose splits to use) and --seed (the experiment's seed: levels and the agent's randomness).
/// </summary>
public sealed class WorldArguments
{
    public Argument<string> World { get; } = new("WORLD") { Description = "the world (see 'mesalab worlds list')" };
    public Option<string> Split { get; } = new("--split") { Description = "the split: train, deploy, or one defined in --splits", DefaultValueFactory = _ => "train" };
    public Option<string[]> Param { get; } = new("--param") { Description = "set a world parameter for this split, as key=value (repeatable), e.g. --param min_size=10" };
    public Option<string?> SplitsFile { get; } = new Option<string?>("--splits") { Description = "an experiment file whose splits to use (world:, splits: { name: { base: train, … } }; see docs/configuration.md)" }.NotBlank();

    public void AddTo(Command command)
    {
        command.Arguments.Add(World);
        command.Options.Add(Split);
        command.Options.Add(Param);
        command.Options.Add(SplitsFile);
        command.Options.Add(ConfigAliases.Seed.CreateOption());
    }

    /// <summary>The split the options name (with --param overrides applied) and the experiment's seed.</summary>
    public (Split Split, ulong Seed) Resolve(ParseResult parse)
    {
        var world = WorldCatalog.Get(parse.GetValue(World)!);
        string? file = parse.GetValue(SplitsFile);
        List<ConfigOverride> overrides = [.. new[] { ConfigAliases.Seed.Override(parse) }.OfType<ConfigOverride>()];
        if (file is null) overrides.Insert(0, ConfigOverride.Option("world", world.Name, "WORLD"));
        // Any experiment file serves: its world, world_parameters and splits (other sections are ignored here).
        var config = ExperimentConfig.Load(file, overrides);
        if (config.World != world)
            throw new UserError($"{file}: the file is for world '{config.World.Name}', but the command names world '{world.Name}'.");
        var split = config.Split(parse.GetValue(Split) ?? "train");
        var parameters = ParseParams(parse.GetValue(Param) ?? []);
        return (parameters.Count > 0 ? split.With(parameters, "--param") : split, (ulong)config.Seed);
    }

    /// <summary>Parses key=value pairs; a malformed pair is a <see cref="UserError"/>.</summary>
    public static Dictionary<string, object> ParseParams(IEnumerable<string> pairs)
    {
        var d = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in pairs)
        {
            int eq = p.IndexOf('=');
            if (eq <= 0) throw new UserError($"--param '{p}' must look like key=value, e.g. --param min_size=10.");
            d[p[..eq].Trim().Replace('-', '_')] = p[(eq + 1)..].Trim();
        }
        return d;
    }
}
