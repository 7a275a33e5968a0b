namespace MesaLab.Store;

using System.Diagnostics;
using System.Reflection;

/// <summary>The version of the code making a run: <c>git describe --always --dirty</c> of the source tree, or the assembly version.</summary>
public static class CodeVersion
{
    private static readonly Lazy<string> current = new(Compute);

    public static string Current => current.Value;

    private static string Compute()
    {
        // Ask git about the tree the binaries were built in (not the current directory, which may be another repository).
        string? git = TryGit(AppContext.BaseDirectory);
        if (!string.IsNullOrEmpty(git)) return git;
        var asm = typeof(CodeVersion).Assembly;
        return asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? asm.GetName().Version?.ToString() ?? "unknown";
    }

    private static string? TryGit(string directory)
    {
        try
        {
            var psi = new ProcessStartInfo("git", ["describe", "--always", "--dirty", "--tags"])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi);
            if (p is null) return null;
            string output = p.StandardOutput.ReadToEnd().Trim();
            _ = p.StandardError.ReadToEnd();
            if (!p.WaitForExit(5000)) { p.Kill(); return null; }
            return p.ExitCode == 0 && output.Length > 0 ? "git:" + output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
