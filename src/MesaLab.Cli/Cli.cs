namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Worlds;

/// <summary>The <c>mesalab</c> command: builds the verb tree, runs it, and turns user errors into one sentence and exit code 2.</summary>
public static class Cli
{
    public const int UserErrorExit = 2;

    /// <summary>Global: print one JSON document on stdout (logs and progress go to stderr).</summary>
    public static readonly Option<bool> Json = new("--json") { Description = "print one JSON document on stdout; logs and progress go to stderr", Recursive = true };

    public static RootCommand Build()
    {
        var root = new RootCommand("MesaLab — a laboratory for learned optimization: train agents, shift their worlds, measure what generalized.");
        root.Options.Add(Json);
        foreach (var verb in Verbs()) root.Subcommands.Add(verb);
        return root;
    }

    /// <summary>Every verb. Each lives in its own file under Verbs/.</summary>
    private static IEnumerable<Command> Verbs() =>
    [
        WorldsVerb.Create(),
        QuantilizeVerb.Create(),
        PlayVerb.Create(),
        BenchVerb.Create(),
        RunsVerb.Create(),
        TrainVerb.Create(),
        ConfigVerb.Create(),
        EvaluateVerb.Create(),
        ReportVerb.Create(),
        DemoVerb.Create(),
        SweepVerb.Create(),
        ActivationsVerb.Create(),
        ProbeVerb.Create(),
        SteerVerb.Create(),
        RetargetVerb.Create(),
        AttributeVerb.Create(),
        CompareTransparencyVerb.Create(),
    ];

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var output = new Output(stdout, stderr);
        Output.Current = output;
        try
        {
            var root = Build();
            var parse = root.Parse(args);
            output.JsonMode = parse.GetValue(Json);
            if (parse.Errors.Count > 0)
            {
                output.Error(string.Join(" ", parse.Errors.Select(e => e.Message.TrimEnd('.') + ".")) + " Run 'mesalab --help' for usage.");
                return UserErrorExit;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr });
        }
        catch (UserError e)
        {
            output.Error(e.Message);
            return UserErrorExit;
        }
        catch (OperationCanceledException)
        {
            output.Error("interrupted.");
            return 130;
        }
    }
}
