namespace MesaLab.Store.Tests;

using System.Diagnostics;

/// <summary>
/// The test assembly run as a program (<c>dotnet MesaLab.Store.Tests.dll VERB …</c>): a separate OS process that
/// writes to or holds runs in a store, so the multi-process tests use real processes rather than two objects.
/// Each verb prints <c>ready</c>, waits for a line on standard input, acts, and reports on standard output.
/// </summary>
public static class StoreProcess
{
    public static int Main(string[] args)
    {
        string verb = args[0], target = args[1], workspace = args[2];
        using var store = RunStores.Open(target, workspace);
        Console.WriteLine("ready");
        Console.ReadLine();
        switch (verb)
        {
            case "write": // write RUN_NAME BATCHES PER_BATCH NAMES: metrics into a new run, and runs all named "same"
            {
                var run = store.CreateRun(new NewRun(args[3], "train", "green-arrow-maze", "seed: 1\n", 1));
                int batches = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
                int perBatch = int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture);
                int names = int.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture);
                for (int b = 0; b < batches; b++)
                {
                    store.AddMetrics(run.Id, [.. Enumerable.Range(0, perBatch).Select(i => new MetricPoint(b * perBatch + i, i, "episodic_return", i))]);
                    if (b < names) store.CreateRun(new NewRun("same", "train", "green-arrow-maze", "seed: 1\n", 1));
                }
                Console.WriteLine($"wrote {run.Id}");
                return 0;
            }
            case "acquire": // acquire RUN_ID: try to take the run, report, then hold it until standard input closes
            {
                try
                {
                    var lease = store.AcquireLease(args[3], RunHolder.ThisProcess());
                    Console.WriteLine($"won {lease.Holder.Pid}");
                }
                catch (UserError e)
                {
                    Console.WriteLine($"refused {e.Message}");
                }
                Console.In.ReadToEnd();
                return 0;
            }
            case "claim": // claim STUDY: take jobs of the study until none is left, print each, give it back completed
            {
                var holder = RunHolder.ThisProcess();
                while (store.ClaimStudyJob(args[3], holder, 1) is { } lease)
                {
                    Console.WriteLine(lease.Job);
                    store.ReleaseStudyJob(lease, StudyJobState.Completed, 0);
                }
                Console.WriteLine("done");
                return 0;
            }
            default:
                Console.Error.WriteLine($"unknown verb {verb}");
                return 2;
        }
    }

    /// <summary>Starts the verb in a new process; it is ready for <see cref="Child.Go"/> when this returns.</summary>
    public static Child Start(params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var psi = new ProcessStartInfo(dotnet, [typeof(StoreProcess).Assembly.Location, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var child = new Child(Process.Start(psi)!);
        string? first = child.ReadLine(TimeSpan.FromSeconds(60));
        if (first != "ready") throw new InvalidOperationException($"the store process did not start: {first}; {child.Errors()}");
        return child;
    }

    public sealed class Child(Process process) : IDisposable
    {
        private readonly Task<string> errors = process.StandardError.ReadToEndAsync();

        public Process Process => process;

        public void Go() => process.StandardInput.WriteLine("go");

        public string? ReadLine(TimeSpan timeout)
        {
            var line = process.StandardOutput.ReadLineAsync();
            return line.Wait(timeout) ? line.Result : throw new TimeoutException($"the store process said nothing for {timeout.TotalSeconds:F0} s; {Errors()}");
        }

        public string Errors() => errors.IsCompleted ? errors.Result.Trim() : "(still running)";

        /// <summary>Closes standard input (a holder then exits) and waits for the process to end.</summary>
        public int Finish(TimeSpan timeout)
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(timeout)) throw new TimeoutException($"the store process {process.Id} did not exit within {timeout.TotalSeconds:F0} s");
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
        }
    }
}
