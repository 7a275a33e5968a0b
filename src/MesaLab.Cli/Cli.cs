namespace MesaLab.Cli;

using System.CommandLine;
using System.Runtime.InteropServices;
using MesaLab.Cli.Options;

/// <summary>What every verb of one invocation shares: where output goes and the cancellation that Ctrl-C and SIGTERM trigger.</summary>
public sealed record CliContext(Output Output, CancellationToken Cancel);

/// <summary>The <c>mesalab</c> command: builds the verb tree, runs it, and turns user errors into one sentence and exit code 2.</summary>
public static class Cli
{
    /// <summary>The environment failed underneath a valid command (a disk filled up, a file vanished): one sentence, no stack trace.</summary>
    public const int EnvironmentErrorExit = 1;
    public const int UserErrorExit = 2;
    public const int InterruptedExit = 130;

    public static RootCommand Build(CliContext cli)
    {
        var root = new RootCommand("MesaLab — a laboratory for learned optimization: train agents, shift their worlds, measure what generalized.");
        root.Options.Add(CommonOptions.Json());
        foreach (var verb in Verbs(cli)) root.Subcommands.Add(verb);
        return root;
    }

    /// <summary>Every verb. Each lives in its own file under Verbs/.</summary>
    private static IEnumerable<Command> Verbs(CliContext cli) =>
    [
        WorldsVerb.Create(cli),
        PlayVerb.Create(cli),
        TrainVerb.Create(cli),
        RunsVerb.Create(cli),
        EvaluateVerb.Create(cli),
        ReportVerb.Create(cli),
        DemoVerb.Create(cli),
        SweepVerb.Create(cli),
        StudyVerb.Create(cli),
        ProposalsVerb.Create(cli),
        QuantilizeVerb.Create(cli),
        ActivationsVerb.Create(cli),
        ProbeVerb.Create(cli),
        DecisionSquaresVerb.Create(cli),
        SteerVerb.Create(cli),
        RetargetVerb.Create(cli),
        ResampleVerb.Create(cli),
        AttributeVerb.Create(cli),
        CompareTransparencyVerb.Create(cli),
        SearchVerb.Create(cli),
        ServeVerb.Create(cli),
        BenchVerb.Create(cli),
        ConfigVerb.Create(cli),
    ];

    /// <summary>
    /// Runs one invocation. Ctrl-C and SIGTERM cancel the work (training saves a checkpoint and the run is marked
    /// interrupted; exit code 130); a second Ctrl-C is left to the default handling.
    /// </summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var output = new Output(stdout ?? Console.Out, stderr ?? Console.Error);
        using var cancel = new CancellationTokenSource();
        bool listenToSignals = stdout is null;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return;
            e.Cancel = true;
            output.Log("stopping: finishing the current step and saving… (Ctrl-C again to abort)");
            cancel.Cancel();
        };
        PosixSignalRegistration? term = null;
        if (listenToSignals)
        {
            Console.CancelKeyPress += onCancel;
            term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cancel.Cancel(); });
        }
        try
        {
            var root = Build(new CliContext(output, cancel.Token));
            var parse = root.Parse(args);
            output.JsonMode = CommonOptions.Json(parse);
            if (parse.Errors.Count > 0)
            {
                output.Error(string.Join(" ", parse.Errors.Select(e => System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s+", " ").Trim().TrimEnd('.') + ".")) + " Run 'mesalab --help' for usage.");
                return UserErrorExit;
            }
            return parse.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
                Output = output.Stdout,
                Error = output.Stderr,
            });
        }
        catch (UserError e)
        {
            output.Error(e.Message);
            return UserErrorExit;
        }
        catch (OperationCanceledException)
        {
            output.Error("interrupted.");
            return InterruptedExit;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Paths the user names are checked before work starts, so this is the machine failing mid-way.
            output.Error($"a file could not be read or written: {OutputPaths.Reason(e)}.");
            return EnvironmentErrorExit;
        }
        finally
        {
            if (listenToSignals) Console.CancelKeyPress -= onCancel;
            term?.Dispose();
        }
    }
}
