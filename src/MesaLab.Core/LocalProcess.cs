namespace MesaLab.Core;

using System.Diagnostics;
using System.Globalization;

/// <summary>
/// Processes on this machine, told apart beyond their process id (which the system reuses): whether the
/// process that wrote a lease or a temporary file is still running.
/// </summary>
public static partial class LocalProcess
{
    /// <summary>
    /// Asks process <paramref name="pid"/> to stop (SIGTERM on Unix, which MesaLab's command line handles like
    /// Ctrl-C: the current work saves and ends); false when there is no such process or signals are not available.
    /// </summary>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && pid > 0 && Signal(pid, 15) == 0;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Signal(int pid, int signal);

    /// <summary>
    /// A mark that differs between two processes that had the same id: on Linux the boot id and the start time
    /// in clock ticks since boot (both from <c>/proc</c>, so it is exact and unaffected by clock changes); null
    /// elsewhere, or when the process does not exist.
    /// </summary>
    public static string? StartMark(int pid)
    {
        var stat = ReadStat(pid);
        string? boot = BootId();
        return stat is { } s && boot is not null ? $"{boot}/{s.StartTicks}" : null;
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> is running (a zombie that has exited does not count) and, when
    /// <paramref name="startMark"/> is given, is the same process that had that <see cref="StartMark"/>.
    /// </summary>
    public static bool IsRunning(int pid, string? startMark = null)
    {
        if (pid <= 0) return false;
        if (OperatingSystem.IsLinux() && Directory.Exists("/proc/self"))
        {
            if (ReadStat(pid) is not { } s || s.State is 'Z' or 'X' or 'x') return false;
            return startMark is null || BootId() is not { } boot || startMark == $"{boot}/{s.StartTicks}";
        }
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? bootId;

    private static string? BootId()
    {
        if (bootId is not null) return bootId;
        try
        {
            bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return bootId;
    }

    private static (char State, long StartTicks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid … starttime …": comm may hold spaces and parentheses, so fields are counted
        // after the last ')'; state is field 3 and starttime field 22 of proc(5).
        int close = text.LastIndexOf(')');
        if (close < 0) return null;
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0].Length != 1) return null;
        return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? (fields[0][0], ticks) : null;
    }
}
