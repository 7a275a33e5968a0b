namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>
/// <c>mesalab train [CONFIG]</c>: trains a PPO agent on the experiment's training split, keeping the run, its metrics
/// and checkpoints in the run store; <c>--resume RUN</c> continues a run; Ctrl-C and SIGTERM save and stop.
/// </summary>
public static class TrainVerb
{
    private static readonly ConfigAlias[] Aliases = [ConfigAliases.World, ConfigAliases.Seed, ConfigAliases.Threads, ConfigAliases.Steps, ConfigAliases.Device, ConfigAliases.Name];

    /// <summary>What <c>--resume</c> may change: the others would make the continuation a different experiment.</summary>
    private static readonly ConfigAlias[] ResumeAliases = [ConfigAliases.Threads, ConfigAliases.Steps, ConfigAliases.Device];

    public static Command Create(CliContext cli)
    {
        var cmd = new Command("train", "train a PPO agent on the training split (runs, metrics and checkpoints go to the run store)");
        var config = CommonOptions.ConfigFile();
        var resume = new Option<string?>("--resume") { Description = "continue run RUN (id, name or unique prefix) from its latest checkpoint, or the one --checkpoint names" };
        cmd.Arguments.Add(config);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { resume, CommonOptions.Checkpoint(), CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var narrator = cli.Output.Narrator();
            TrainResult result;
            if (p.GetValue(resume) is { } key)
            {
                var fixedFields = Aliases.Except(ResumeAliases).Where(a => a.Override(p) is not null).Select(a => a.Name).ToList();
                if (p.GetValue(config) is not null || fixedFields.Count > 0 || CommonOptions.Sets(p).Any())
                    throw new UserError("--resume continues a run with its stored configuration; drop CONFIG, --set and " +
                        $"{string.Join(", ", fixedFields.DefaultIfEmpty("--world, --seed, --name"))} (only --threads, --steps, --device, --checkpoint and --workspace may be given).");
                ConfigAliases.CheckValues(p, ResumeAliases);
                using var store = RunStores.OpenExistingWorkspace(CommonOptions.Workspace(p));
                result = TrainJob.Resume(store, key, ConfigAliases.Overrides(p, ResumeAliases), narrator, CommonOptions.Checkpoint(p), cli.Cancel);
            }
            else
            {
                if (CommonOptions.Checkpoint(p) is not null) throw new UserError("--checkpoint chooses where --resume continues from; give --resume RUN with it.");
                var experiment = ExperimentConfig.Load(p.GetValue(config), ConfigAliases.Overrides(p, Aliases));
                using var store = RunStores.OpenWorkspace(CommonOptions.Workspace(p));
                result = TrainJob.Start(store, experiment, narrator, cli.Cancel);
            }
            narrator.EndLine();
            Print(cli.Output, result);
            return result.Status == RunStatus.Completed ? 0 : Cli.InterruptedExit;
        });
        return cmd;
    }

    private static void Print(Output output, TrainResult r)
    {
        var doc = new
        {
            run_id = r.Run.Id,
            run_name = r.Run.Name,
            status = r.Status.ToText(),
            updates = r.Updates,
            steps = r.Steps,
            wall_seconds = r.WallSeconds,
            checkpoint = r.LastCheckpoint,
            success_rate = r.HeldOut?.SuccessRate,
            held_out = r.HeldOut,
            last_metrics = r.LastMetrics?.Named().Where(x => double.IsFinite(x.Value)).ToDictionary(x => x.Name, x => x.Value),
        };
        output.Result(doc, w =>
        {
            w.WriteLine($"run {r.Run.Id} ({r.Run.Name}) {r.Status.ToText()} after {r.Steps:N0} steps in {r.WallSeconds:F0} s; checkpoint {r.LastCheckpoint}");
            if (r.HeldOut is { } h)
                w.WriteLine($"held-out {h.Split} levels ({h.Levels} from index {h.FirstLevel}): success rate {h.SuccessRate:P1}, mean episode length {h.MeanEpisodeLength:F1}");
            else if (r.Status == RunStatus.Interrupted)
                w.WriteLine($"continue with: mesalab train --resume {r.Run.Id}");
        });
    }
}
