namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Cli.Rendering;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>
/// <c>mesalab demo [CONFIG]</c>: train, deploy on the train and deploy splits, analyse and write the report — with no file,
/// the default green-arrow experiment.
/// </summary>
public static class DemoVerb
{
    public const string DefaultOut = "mesalab-out";

    private static readonly ConfigAlias[] Aliases = [ConfigAliases.World, ConfigAliases.Seed, ConfigAliases.Threads, ConfigAliases.Steps, ConfigAliases.Episodes, ConfigAliases.EvaluationSeed];

    public static Command Create(CliContext cli)
    {
        var config = CommonOptions.ConfigFile("experiment file (YAML); omitted: the embedded defaults (the green-arrow maze)");
        var outDir = new Option<string>("--out") { Description = $"directory for report.html (default ./{DefaultOut})", DefaultValueFactory = _ => DefaultOut }.NotBlank();
        var cmd = new Command("demo", "train an agent, evaluate it on the train and deploy splits, infer its behavioral objective, decompose robustness and write the report");
        cmd.Arguments.Add(config);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { outDir, CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var experiment = ExperimentConfig.Load(p.GetValue(config), ConfigAliases.Overrides(p, Aliases));
            var narrator = cli.Output.Narrator();
            using var store = RunStores.OpenWorkspace(CommonOptions.Workspace(p));
            var result = DemoJob.Run(store, experiment, p.GetValue(outDir)!, narrator, cli.Cancel);
            narrator.EndLine();
            ReportVerb.Print(cli.Output, result, $"MesaLab demo — run {result.Run.Id} ({result.Run.Name})");
            cli.Output.Log($"open {result.ReportPath} in a browser; rebuild it any time with: mesalab report {result.Run.Id} --out {p.GetValue(outDir)}");
            return 0;
        });
        return cmd;
    }
}
