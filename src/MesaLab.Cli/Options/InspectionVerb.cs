namespace MesaLab.Cli.Options;

using System.CommandLine;
using System.Globalization;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>
/// What the transparency verbs share: the RUN argument, the inspected split and the evaluation seed, threads,
/// --checkpoint, --workspace and --set; the study's own options are config aliases of its section.
/// </summary>
public static class InspectionVerb
{
    private static readonly ConfigAlias[] Common = [ConfigAliases.InspectionSplit, ConfigAliases.EvaluationSeed, ConfigAliases.Threads];

    /// <summary>A transparency verb: opens the run with the overrides and hands it to <paramref name="run"/>.</summary>
    public static Command Create(CliContext cli, string name, string description, IReadOnlyList<ConfigAlias> aliases,
        Func<StoredRun, long?, object> run, Action<TextWriter, object> human)
    {
        var cmd = new Command(name, description);
        var runArgument = CommonOptions.Run("the trained run to inspect: its id, name or a unique prefix");
        cmd.Arguments.Add(runArgument);
        ConfigAliases.AddTo(cmd, [.. Common, .. aliases]);
        foreach (var o in new Option[] { CommonOptions.Checkpoint(), CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            ConfigAliases.CheckValues(p, [.. Common, .. aliases]);
            using var store = RunStores.OpenExistingWorkspace(CommonOptions.Workspace(p));
            var stored = StoredRun.Open(store, p.GetValue(runArgument)!, ConfigAliases.Overrides(p, [.. Common, .. aliases]));
            var result = run(stored, CommonOptions.Checkpoint(p));
            cli.Output.Result(result, w => human(w, result));
            return 0;
        });
        return cmd;
    }

    /// <summary>A number with three decimals, or n/a.</summary>
    public static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);
}
