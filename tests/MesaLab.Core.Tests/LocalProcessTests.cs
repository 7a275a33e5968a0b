namespace MesaLab.Core.Tests;

using System.Diagnostics;

public sealed class LocalProcessTests
{
    [Fact]
    public void This_process_is_running_and_keeps_its_start_mark()
    {
        string? mark = LocalProcess.StartMark(Environment.ProcessId);
        Assert.NotNull(mark);
        Assert.Equal(mark, LocalProcess.StartMark(Environment.ProcessId));
        Assert.True(LocalProcess.IsRunning(Environment.ProcessId));
        Assert.True(LocalProcess.IsRunning(Environment.ProcessId, mark));
    }

    [Fact]
    public void A_process_that_exited_is_not_running()
    {
        int pid = ExitedProcessId();
        Assert.False(LocalProcess.IsRunning(pid));
        Assert.Null(LocalProcess.StartMark(pid));
        Assert.False(LocalProcess.IsRunning(0));
    }

    [Fact]
    public void A_reused_process_id_is_not_the_process_that_had_it()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", ["30"]) { UseShellExecute = false })!;
        try
        {
            string? childMark = LocalProcess.StartMark(child.Id);
            Assert.NotNull(childMark);
            Assert.NotEqual(LocalProcess.StartMark(Environment.ProcessId), childMark);
            Assert.True(LocalProcess.IsRunning(child.Id, childMark));
            // Our id with the child's mark: what a lease looks like after its process died and the id came round again.
            Assert.False(LocalProcess.IsRunning(Environment.ProcessId, childMark));
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
        Assert.False(LocalProcess.IsRunning(child.Id));
    }

    /// <summary>The id of a process that has run and exited (and been reaped).</summary>
    internal static int ExitedProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("sh", ["-c", "exit 0"]) { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }
}
