namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using MesaLab.Learning;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;
using Spectre.Console;

/// <summary>
/// <c>mesalab train [CONFIG.yaml]</c>: trains a PPO agent on the experiment's training split, keeping the run,
/// its metrics and checkpoints in the run store; <c>--resume RUN</c> continues a run; Ctrl-C saves and stops.
/// </summary>
public static class TrainVerb
{
    public static Command Create()
    {
        var cmd = new Command("train", "train a PPO agent on the training split (runs, metrics and checkpoints go to the run store)");
        var config = new Argument<string?>("CONFIG") { Description = "experiment file (YAML); omitted: the embedded defaults", Arity = ArgumentArity.ZeroOrOne };
        var world = new Option<string?>("--world") { Description = "world to train in (overrides the file)" };
        var seed = new Option<long?>("--seed") { Description = "seed of levels, initial weights and action sampling" };
        var workspace = new Option<string?>("--workspace") { Description = $"workspace holding the run store and checkpoints (default ./{RunStores.DefaultWorkspace})" };
        var threads = new Option<int?>("--threads") { Description = "torch threads (results are reproducible per thread count)" };
        var steps = new Option<long?>("--steps") { Description = "environment steps to train (ppo.total_steps)" };
        var resume = new Option<string?>("--resume") { Description = "continue run RUN (id, name or unique prefix) from its latest checkpoint" };
        var device = new Option<string?>("--device") { Description = "cpu (default, tested) or cuda (needs a CUDA build of TorchSharp)" };
        var name = new Option<string?>("--name") { Description = "run name (default: the experiment's name)" };
        var set = new Option<string[]>("--set") { Description = "override any config field: --set ppo.learning_rate=0.0005 (repeatable)", AllowMultipleArgumentsPerToken = false };
        cmd.Arguments.Add(config);
        foreach (var o in new Option[] { world, seed, workspace, threads, steps, resume, device, name, set }) cmd.Options.Add(o);
        cmd.SetAction(p => Run(p.GetValue(config), p.GetValue(world), p.GetValue(seed), p.GetValue(workspace), p.GetValue(threads),
            p.GetValue(steps), p.GetValue(resume), p.GetValue(device), p.GetValue(name), p.GetValue(set) ?? []));
        return cmd;
    }

    private static int Run(string? configPath, string? world, long? seed, string? workspace, int? threads, long? steps,
        string? resume, string? device, string? name, string[] sets)
    {
        if (threads is < 1) throw new UserError($"--threads is {threads}, but it must be at least 1.");
        if (steps is < 1) throw new UserError($"--steps is {steps}, but it must be at least 1.");
        using var store = RunStores.OpenWorkspace(workspace);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;   // finish the update, save a checkpoint, exit cleanly
            if (!cancel.IsCancellationRequested) Output.Current.Log("stopping after this update and saving a checkpoint… (Ctrl-C again to wait)");
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cancel.Cancel(); });
        try
        {
            TrainingOutcome outcome;
            if (resume is not null)
            {
                if (configPath is not null || world is not null || seed is not null || sets.Length > 0 || name is not null)
                    throw new UserError("--resume continues a run with its stored configuration; drop CONFIG, --world, --seed, --name and --set (only --threads, --steps, --device and --workspace may be given).");
                outcome = WithProgress(p => TrainingRun.Resume(store, resume, threads, steps, cancel.Token, p, Output.Current.Log));
            }
            else
            {
                var overrides = new List<ConfigOverride>();
                if (world is not null) overrides.Add(ConfigOverride.Option("world", world, "--world"));
                if (seed is not null) overrides.Add(ConfigOverride.Option("seed", seed.Value.ToString(CultureInfo.InvariantCulture), "--seed"));
                if (threads is not null) overrides.Add(ConfigOverride.Option("threads", threads.Value.ToString(CultureInfo.InvariantCulture), "--threads"));
                if (steps is not null) overrides.Add(ConfigOverride.Option("ppo.total_steps", steps.Value.ToString(CultureInfo.InvariantCulture), "--steps"));
                if (device is not null) overrides.Add(ConfigOverride.Option("training.device", device, "--device"));
                if (name is not null) overrides.Add(ConfigOverride.Option("name", name, "--name"));
                overrides.AddRange(sets.Select(ConfigOverride.Parse));
                var experiment = ExperimentConfig.Load(configPath, overrides);
                outcome = WithProgress(p => TrainingRun.Start(store, experiment, cancel.Token, p, Output.Current.Log));
            }
            Report(outcome);
            return outcome.Status == RunStatus.Completed ? 0 : 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>A Spectre progress bar on a terminal; otherwise a plain line every few seconds (logs stay greppable).</summary>
    private static TrainingOutcome WithProgress(Func<Action<TrainingProgress>, TrainingOutcome> train)
    {
        if (Console.IsErrorRedirected || Output.Current.Stderr != Console.Error)
        {
            var last = DateTime.MinValue;
            return train(p =>
            {
                bool done = p.Metrics.Update >= p.TotalUpdates;
                if (!done && (DateTime.UtcNow - last).TotalSeconds < 5) return;
                last = DateTime.UtcNow;
                Output.Current.Log(Line(p));
            });
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        TrainingOutcome? outcome = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                outcome = train(p =>
                {
                    task ??= ctx.AddTask("training", maxValue: p.TotalSteps);
                    task.Value = p.Metrics.GlobalStep;
                    task.Description = Markup.Escape(Line(p));
                });
            });
        return outcome!;
    }

    private static string Line(TrainingProgress p)
    {
        var m = p.Metrics;
        string F(double v, string f) => double.IsFinite(v) ? v.ToString(f, CultureInfo.InvariantCulture) : "–";
        string eta = p.Remaining is { } r ? $"{(int)r.TotalMinutes}:{r.Seconds:00}" : "?";
        return $"{p.RunId} steps {m.GlobalStep.ToString("N0", CultureInfo.InvariantCulture)}/{p.TotalSteps.ToString("N0", CultureInfo.InvariantCulture)} " +
               $"sps {F(m.Sps, "N0")} return {F(m.EpisodicReturn, "F2")} success {F(m.SuccessRate, "F2")} length {F(m.EpisodeLength, "F1")} " +
               $"entropy {F(m.Entropy, "F2")} eta {eta}";
    }

    private static void Report(TrainingOutcome o)
    {
        var doc = new
        {
            run_id = o.Run.Id,
            run_name = o.Run.Name,
            status = o.Status.ToText(),
            updates = o.Updates,
            steps = o.Steps,
            wall_seconds = o.WallSeconds,
            checkpoint = o.LastCheckpoint,
            success_rate = o.HeldOut?.SuccessRate,
            held_out = o.HeldOut is { } h ? new { split = h.Split, first_level = h.FirstLevel, levels = h.Levels, success_rate = h.SuccessRate, mean_episode_length = h.MeanEpisodeLength } : null,
            last_metrics = o.LastMetrics?.Named().Where(x => double.IsFinite(x.Value)).ToDictionary(x => x.Name, x => x.Value),
        };
        Output.Current.Result(doc, w =>
        {
            w.WriteLine($"run {o.Run.Id} ({o.Run.Name}) {o.Status.ToText()} after {o.Steps:N0} steps in {o.WallSeconds:F0} s; checkpoint {o.LastCheckpoint}");
            if (o.HeldOut is { } h)
                w.WriteLine($"held-out {h.Split} levels ({h.Levels} from index {h.FirstLevel}): success rate {h.SuccessRate:P1}, mean episode length {h.MeanEpisodeLength:F1}");
            else if (o.Status == RunStatus.Interrupted)
                w.WriteLine($"continue with: mesalab train --resume {o.Run.Id}");
        });
    }
}
