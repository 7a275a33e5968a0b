namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Reports.Pipelines;
using MesaLab.Store;
using MesaLab.Worlds.Config;

/// <summary><c>mesalab demo</c>: train the default green-arrow agent, deploy it, analyse it and write the report — no config file needed.</summary>
public static class DemoVerb
{
    public const string DefaultOut = "mesalab-out";

    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = $"directory for report.html (default ./{DefaultOut})", DefaultValueFactory = _ => DefaultOut };
        var steps = new Option<long?>("--steps") { Description = "training budget in environment steps (default: the embedded PPO default)" };
        var set = new Option<string[]>("--set") { Description = "override a configuration field, e.g. --set ppo.learning_rate=0.001 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var cmd = new Command("demo", "train the default green-arrow agent, evaluate it on train and deploy, infer its behavioral objective, decompose robustness and write the report");
        cmd.Options.Add(outDir);
        cmd.Options.Add(ReportVerb.Workspace);
        cmd.Options.Add(ReportVerb.Episodes);
        cmd.Options.Add(ReportVerb.Seed);
        cmd.Options.Add(steps);
        cmd.Options.Add(set);
        cmd.SetAction((parse, cancel) =>
        {
            var overrides = new List<ConfigOverride>();
            foreach (var s in parse.GetValue(set) ?? []) overrides.Add(ConfigOverride.Parse(s));
            if (parse.GetValue(steps) is { } n) overrides.Add(ConfigOverride.Option("ppo.total_steps", n.ToString(CultureInfo.InvariantCulture), "--steps"));
            var narrator = StderrNarrator.ForConsole(Output.Current.Stderr);
            using var store = RunStores.OpenWorkspace(parse.GetValue(ReportVerb.Workspace));
            var result = DemoPipeline.Run(store, parse.GetValue(outDir)!, new DemoSettings(overrides,
                new EvaluationSettings(parse.GetValue(ReportVerb.Episodes), parse.GetValue(ReportVerb.Seed))), narrator, cancel);
            narrator.EndLine();
            ReportVerb.Print(result, $"MesaLab demo — run {result.Run.Id} ({result.Run.Name})");
            Output.Current.Log($"open {result.ReportPath} in a browser; rebuild it any time with: mesalab report {result.Run.Id} --out {parse.GetValue(outDir)}");
            return Task.FromResult(0);
        });
        return cmd;
    }
}
