namespace MesaLab.Cli.Tests;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

/// <summary>
/// The built command line run as a separate OS process (<c>dotnet mesalab.dll …</c>), for tests that kill it or send it
/// signals. Standard error is read line by line as it arrives, so a test can wait for an announcement (a
/// <c>MESALAB_TEST_PAUSE</c> point, a stage) before acting.
/// </summary>
internal sealed partial class MesalabProcess : IDisposable
{
    public const int SigInt = 2, SigKill = 9, SigTerm = 15;

    private readonly Process process;
    private readonly BlockingCollection<string> errorLines = [];
    private readonly ConcurrentQueue<string> allErrors = new();
    private readonly Task<string> stdout;

    private MesalabProcess(Process process)
    {
        this.process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            try
            {
                if (e.Data is null) { errorLines.CompleteAdding(); return; }
                allErrors.Enqueue(e.Data);
                errorLines.Add(e.Data);
            }
            catch (Exception x) when (x is ObjectDisposedException or InvalidOperationException)
            {
                // The test has finished with this process.
            }
        };
        process.BeginErrorReadLine();
        stdout = process.StandardOutput.ReadToEndAsync();
    }

    public int Id => process.Id;

    /// <summary>Starts <c>mesalab ARGS</c> with the given extra environment variables.</summary>
    public static MesalabProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var psi = new ProcessStartInfo(dotnet, [typeof(Cli).Assembly.Location, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment.Remove(MesaLab.Core.TestPause.Variable);
        psi.Environment.Remove("MESALAB_STORE");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return new MesalabProcess(Process.Start(psi)!);
    }

    /// <summary>Waits for a line of standard error that satisfies <paramref name="match"/>; null when the process ended first.</summary>
    public string? WaitForError(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"mesalab (pid {Id}) did not write the expected line within {timeout.TotalSeconds:F0} s; stderr so far:\n{Errors}");
            try
            {
                if (!errorLines.TryTake(out var line, left)) continue;
                if (match(line)) return line;
            }
            catch (InvalidOperationException)
            {
                return null; // standard error closed: the process ended
            }
            if (errorLines.IsCompleted) return null;
        }
    }

    /// <summary>Sends a POSIX signal (SIGKILL, SIGTERM, SIGINT).</summary>
    public void Signal(int signal)
    {
        if (Kill(process.Id, signal) != 0 && !process.HasExited)
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout)) throw new TimeoutException($"mesalab (pid {Id}) did not exit within {timeout.TotalSeconds:F0} s; stderr:\n{Errors}");
        process.WaitForExit();
        return process.ExitCode;
    }

    public bool HasExited => process.HasExited;

    /// <summary>Everything written to standard out (complete once the process has exited).</summary>
    public string Stdout => stdout.Wait(TimeSpan.FromSeconds(30)) ? stdout.Result : "";

    /// <summary>Everything written to standard error so far.</summary>
    public string Errors => string.Join("\n", allErrors);

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
        errorLines.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
