namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>
/// <c>mesalab evaluate RUN|--world W --agent A</c>: deploys a trained agent (a checkpoint of a run) or a scripted one on
/// a split, stores the episodes, classifies their outcomes and infers the behavioral objective.
/// </summary>
public static class EvaluateVerb
{
    private static readonly ConfigAlias[] Aliases = [ConfigAliases.Episodes, ConfigAliases.EvaluationSeed, ConfigAliases.Batch, ConfigAliases.RewardWeights, ConfigAliases.AnyCellGoals];

    public static Command Create(CliContext cli)
    {
        var cmd = new Command("evaluate", "deploy an agent on a split: record episodes, classify outcomes, infer its behavioral objective");
        var run = new Argument<string?>("RUN") { Description = "a trained run (id, name or unique prefix); its latest checkpoint (or --checkpoint) is evaluated", Arity = ArgumentArity.ZeroOrOne };
        var agent = new Option<string?>("--agent") { Description = "scripted agent: random, shortest-path:CANDIDATE or mixture:CANDIDATE=WEIGHT,… (one goal per episode; random may be a component) (with --world)" };
        var epsilon = new Option<double>("--epsilon") { Description = "probability that the scripted agent takes a uniformly random move instead" };
        var split = new Option<string>("--split") { Description = "split to deploy on (e.g. train, deploy)", DefaultValueFactory = _ => "deploy" };
        var noStore = new Option<bool>("--no-store") { Description = "do not store the evaluation in the run store" };
        var stored = new Option<long?>("--stored") { Description = "re-analyse a stored evaluation (by id) from its recorded trajectories instead of running episodes" };
        cmd.Arguments.Add(run);
        ConfigAliases.AddTo(cmd, [ConfigAliases.World, .. Aliases]);
        foreach (var o in new Option[] { agent, epsilon, split, noStore, stored, CommonOptions.Checkpoint, CommonOptions.Workspace, CommonOptions.Set }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var narrator = cli.Output.Narrator();
            var overrides = ConfigAliases.Overrides(p, Aliases);
            EvaluationResult result;
            if (p.GetValue(stored) is { } evaluationId)
            {
                using var store = RunStores.OpenExistingWorkspace(p.GetValue(CommonOptions.Workspace));
                result = EvaluateJob.Reanalyse(store, evaluationId, ExperimentConfig.Load(null, overrides).Section<EvaluationSettings>(), narrator);
            }
            else if (p.GetValue(run) is { } key)
            {
                if (p.GetValue(agent) is not null) throw new UserError("give either RUN (a trained agent) or --agent (a scripted one), not both.");
                using var store = RunStores.OpenExistingWorkspace(p.GetValue(CommonOptions.Workspace));
                var storedRun = StoredRun.Open(store, key, overrides);
                if (ConfigAliases.World.Override(p) is { } w && !string.Equals(w.Value, storedRun.World.Name, StringComparison.OrdinalIgnoreCase))
                    throw new UserError($"--world is '{w.Value}', but {storedRun.Label} was trained on '{storedRun.World.Name}'; leave --world out to evaluate on its world.");
                result = EvaluateJob.Run(storedRun, p.GetValue(split)!, storedRun.Config.Section<EvaluationSettings>(), !p.GetValue(noStore), narrator,
                    p.GetValue(CommonOptions.Checkpoint), cli.Cancel);
            }
            else
            {
                if (ConfigAliases.World.Override(p) is null || p.GetValue(agent) is null)
                    throw new UserError("give RUN (a trained agent) or both --world and --agent (a scripted agent: random, shortest-path:CANDIDATE or mixture:CANDIDATE=WEIGHT,…).");
                var config = ExperimentConfig.Load(null, [ConfigAliases.World.Override(p)!, .. overrides]);
                using var store = p.GetValue(noStore) ? null : RunStores.OpenWorkspace(p.GetValue(CommonOptions.Workspace));
                result = EvaluateJob.RunScripted(store, config, p.GetValue(agent)!, p.GetValue(epsilon), p.GetValue(split)!, config.Section<EvaluationSettings>(), narrator, cli.Cancel);
            }
            narrator.EndLine();
            cli.Output.Result(result.Document(), o => Human(o, result));
            return 0;
        });
        return cmd;
    }

    private static void Human(TextWriter o, EvaluationResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var a = r.Analysis;
        o.WriteLine($"{r.Agent} on {r.World.Name}/{r.Split.Name}: {r.Records.Count} episodes, mean return {r.Records.Average(x => x.Return).ToString("0.00", inv)}, mean length {r.Records.Average(x => x.Length).ToString("0.0", inv)}");
        o.WriteLine($"intended objective: {r.World.IntendedObjective(r.Split).Name}; competent = reached within max({a.Table.Criterion.Factor.ToString(inv)}×shortest, shortest+{a.Table.Criterion.Slack}) steps");
        o.WriteLine();
        o.WriteLine($"  {"episodes",-24} {"n",4}  {"generalized",-19} {"misgeneralized",-19} {"capability failure",-19}");
        foreach (var s in a.Table.BySide.Prepend(a.Table.Distinguishing).Prepend(a.Table.All).Concat(a.Table.ByShortestPath))
            o.WriteLine($"  {s.Group,-24} {s.Episodes,4}  {s.Generalized.Format(),-19} {s.Misgeneralized.Format(),-19} {s.CapabilityFailure.Format(),-19}");
        if (a.Table.All.DetourCount > 0) o.WriteLine($"  {a.Table.All.DetourCount} generalized episodes first visited another candidate off the way (detour)");
        if (a.Table.FailureReasons.Count > 0) o.WriteLine("  capability failures: " + string.Join(", ", a.Table.FailureReasons.Select(x => $"{x.Reason} {x.Count}")));
        o.WriteLine();
        o.WriteLine(a.Mixture.Summary);
        o.WriteLine("  episodes by goal pursued: " + string.Join(", ", a.Mixture.Episodes.GroupBy(e => e.Goal).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}")));
        o.WriteLine("single goal: " + a.Behavioral.Summary);
        if (a.Weights is { } w)
            o.WriteLine("reward weights (max-causal-entropy IRL): " + string.Join(", ", w.Weights.Select(kv => $"{kv.Key} {kv.Value.ToString("0.00", inv)}")));
        if (r.EvaluationId is { } id) o.WriteLine($"evaluation {id} in the run store");
    }
}
