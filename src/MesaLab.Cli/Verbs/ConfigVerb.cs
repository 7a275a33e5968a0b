namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Worlds.Config;

/// <summary><c>mesalab config show [CONFIG] [--set path=value]…</c>: the effective experiment configuration, validated.</summary>
public static class ConfigVerb
{
    /// <summary>Shared <c>--set path=value</c> option (repeatable) for verbs that take an experiment file.</summary>
    public static Option<string[]> SetOption() => new("--set")
    {
        Description = "change one configuration field, e.g. --set ppo.learning_rate=0.001 (repeatable; applied after the file)",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var config = new Command("config", "inspect experiment configurations");
        var show = new Command("show", "print the effective configuration (built-in defaults, the file, then --set), with every section's values written out; errors name the file, line and field");
        var file = new Argument<string?>("CONFIG") { Description = "experiment YAML file (default: built-in defaults only)", Arity = ArgumentArity.ZeroOrOne };
        var sets = SetOption();
        show.Arguments.Add(file);
        show.Options.Add(sets);
        show.SetAction(p => Show(p.GetValue(file), p.GetValue(sets) ?? []));
        config.Subcommands.Add(show);
        return config;
    }

    private static int Show(string? path, string[] sets)
    {
        var experiment = ExperimentConfig.Load(path, sets.Select(ConfigOverride.Parse));
        string yaml = experiment.ToYaml();
        var doc = new
        {
            source = experiment.Source,
            name = experiment.Name,
            world = experiment.World.Name,
            seed = experiment.Seed,
            threads = experiment.Threads,
            train_split = experiment.TrainSplitName,
            deploy_split = experiment.DeploySplitName,
            splits = experiment.SplitNames.Select(n => experiment.Split(n)).Select(s => new
            {
                name = s.Name,
                values = s.Values.ToDictionary(kv => kv.Key, kv => kv.Value),
            }),
            sections = ExperimentConfig.Sections.Keys.Order(StringComparer.Ordinal),
            yaml,
        };
        Output.Current.Result(doc, o =>
        {
            o.WriteLine($"# effective configuration of {experiment.Source}");
            foreach (var n in experiment.SplitNames)
            {
                var s = experiment.Split(n);
                o.WriteLine($"# split {s.Name}: {string.Join(", ", s.Values.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}"))}");
            }
            o.Write(yaml);
        });
        return 0;
    }
}
