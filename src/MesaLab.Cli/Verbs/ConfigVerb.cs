namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary>
/// <c>mesalab config show [CONFIG] [--set path=value]…</c>: the effective experiment configuration, validated;
/// <c>--docs</c> prints the reference of every field (the generated part of docs/configuration.md).
/// </summary>
public static class ConfigVerb
{
    public static Command Create(CliContext cli)
    {
        var config = new Command("config", "inspect experiment configurations");
        var show = new Command("show", "print the effective configuration (built-in defaults, the file, then --set), with every section's values written out; errors name the file, line and field");
        var file = CommonOptions.ConfigFile("experiment YAML file (default: built-in defaults only)");
        var docs = new Option<bool>("--docs") { Description = "print the reference of every configuration field (type, default, meaning) as Markdown instead" };
        show.Arguments.Add(file);
        show.Options.Add(CommonOptions.Set());
        show.Options.Add(docs);
        show.SetAction(p =>
        {
            if (p.GetValue(docs))
            {
                var markdown = SettingsDocs.Markdown();
                cli.Output.Result(new { markdown, sections = SettingsDocs.Sections().Select(s => new { name = s.Section, summary = s.Summary, fields = s.Fields }) }, o => o.Write(markdown));
                return 0;
            }
            var experiment = ExperimentConfig.Load(p.GetValue(file), CommonOptions.Sets(p));
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
                splits = experiment.SplitNames.Select(n => experiment.Split(n)).Select(s => new { name = s.Name, values = s.Values.ToDictionary(kv => kv.Key, kv => kv.Value) }),
                sections = experiment.Sections.Keys,
                yaml,
            };
            cli.Output.Result(doc, o =>
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
        });
        config.Subcommands.Add(show);
        return config;
    }
}
