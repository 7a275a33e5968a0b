namespace MesaLab.Store;

using System.Diagnostics;
using System.Reflection;

/// <summary>The version of the code making a run: <c>git describe --always --dirty</c> of the source tree, or the assembly version.</summary>
public static class CodeVersion
{
    private static readonly Lazy<string> current = new(Compute);

    /// <summary>How long git may take before the assembly version is used instead (a hung network file system, a locked index).</summary>
    public static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(5);

    public static string Current => current.Value;

    private static string Compute()
    {
        // Ask git about the tree the binaries were built in (not the current directory, which may be another repository).
        string? git = TryGit(AppContext.BaseDirectory, "git", GitTimeout);
        if (!string.IsNullOrEmpty(git)) return git;
        var asm = typeof(CodeVersion).Assembly;
        return asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? asm.GetName().Version?.ToString() ?? "unknown";
    }

    /// <summary>
    /// <c>git:</c> and what <c>git describe</c> printed, or null when git is missing, fails or does not finish within
    /// <paramref name="timeout"/> (it is then killed with anything it started).
    /// </summary>
    internal static string? TryGit(string directory, string gitExecutable, TimeSpan timeout)
    {
        try
        {
            var psi = new ProcessStartInfo(gitExecutable, ["describe", "--always", "--dirty", "--tags"])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi);
            if (p is null) return null;
            // Both pipes are drained concurrently while the clock runs: reading one to its end first would wait as
            // long as git does (the timeout would never fire), and a full stderr pipe would stall git for ever.
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            if (!p.WaitForExit(timeout) || !Task.WaitAll([output, errors], Remaining(timeout, clock)))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return null;
            }
            string text = output.Result.Trim();
            return p.ExitCode == 0 && text.Length > 0 ? "git:" + text : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    private static TimeSpan Remaining(TimeSpan timeout, Stopwatch clock) => timeout > clock.Elapsed ? timeout - clock.Elapsed : TimeSpan.Zero;
}
