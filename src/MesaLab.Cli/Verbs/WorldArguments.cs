namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Worlds;

/// <summary>The options every verb that picks a world's split shares: --split, --param key=value (repeatable), --splits FILE, --seed.</summary>
public sealed class WorldArguments
{
    public Argument<string> World { get; } = new("world") { Description = "the world (see 'mesalab worlds list')" };
    public Option<string> Split { get; } = new("--split") { Description = "the split: train, deploy, or one defined in --splits", DefaultValueFactory = _ => "train" };
    public Option<string[]> Param { get; } = new("--param") { Description = "set a world parameter for this split, as key=value (repeatable), e.g. --param min_size=10" };
    public Option<string?> SplitsFile { get; } = new("--splits") { Description = "an experiment file whose splits to use (world:, splits: { name: { base: train, … } }; see docs/configuration.md)" };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "level and agent seed", DefaultValueFactory = _ => 1UL };

    public void AddTo(Command command)
    {
        command.Arguments.Add(World);
        command.Options.Add(Split);
        command.Options.Add(Param);
        command.Options.Add(SplitsFile);
        command.Options.Add(Seed);
    }

    /// <summary>The split the options name, with --param overrides applied.</summary>
    public Split Resolve(ParseResult parse)
    {
        var world = WorldCatalog.Get(parse.GetValue(World)!);
        var overrides = ParseParams(parse.GetValue(Param) ?? []);
        string splitName = parse.GetValue(Split) ?? "train";
        string? file = parse.GetValue(SplitsFile);
        if (file is null) return world.Split(splitName, overrides, "--param");
        // Any experiment file serves: its world, world_parameters and splits (other sections are ignored here).
        var config = MesaLab.Worlds.Config.ExperimentConfig.Load(file);
        if (config.World != world)
            throw new UserError($"{file}: the file is for world '{config.World.Name}', but the command names world '{world.Name}'.");
        var split = config.Split(splitName);
        return overrides.Count > 0 ? split.With(overrides, "--param") : split;
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
