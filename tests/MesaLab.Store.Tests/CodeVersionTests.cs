namespace MesaLab.Store.Tests;

using System.Diagnostics;

/// <summary><see cref="CodeVersion"/> asks git, with a stand-in git script that hangs, floods its error stream or fails.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CodeVersionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-git-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string FakeGit(string body)
    {
        string path = Path.Combine(dir, "git");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Runs <see cref="CodeVersion.TryGit"/> on a thread, so that a version that hangs fails the test instead of stalling the run.</summary>
    private (string? Version, TimeSpan Elapsed) Ask(string git, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var task = Task.Run(() => CodeVersion.TryGit(dir, git, timeout));
        Assert.True(task.Wait(TimeSpan.FromSeconds(30)), "asking git did not return within 30 s");
        return (task.Result, clock.Elapsed);
    }

    [Fact]
    public void A_git_that_hangs_is_killed_at_the_timeout()
    {
        string pidFile = Path.Combine(dir, "pid");
        // exec: the shell becomes the sleeping process, which keeps both pipes open for a minute.
        string git = FakeGit($"echo $$ > '{pidFile}'; echo v0.1; exec sleep 60");
        var (version, elapsed) = Ask(git, TimeSpan.FromMilliseconds(500));
        Assert.Null(version);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"the 0.5 s timeout took {elapsed.TotalSeconds:F1} s to fire");
        int pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (LocalProcess.IsRunning(pid) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.False(LocalProcess.IsRunning(pid), "the hung git process was left running");
    }

    [Fact]
    public void A_git_that_fills_its_error_stream_before_answering_is_read_to_the_end()
    {
        // 1 MB on stderr is far more than a pipe holds: unless both streams are drained at once, git never gets to stdout.
        string git = FakeGit("head -c 1000000 /dev/zero | tr '\\0' x >&2; echo v1.2-3-gabcdef-dirty");
        var (version, _) = Ask(git, TimeSpan.FromSeconds(20));
        Assert.Equal("git:v1.2-3-gabcdef-dirty", version);
    }

    [Fact]
    public void A_git_that_fails_or_is_missing_gives_no_version()
    {
        Assert.Null(Ask(FakeGit("echo 'fatal: not a git repository' >&2; exit 128"), TimeSpan.FromSeconds(5)).Version);
        Assert.Null(Ask(Path.Combine(dir, "no-such-git"), TimeSpan.FromSeconds(5)).Version);
        Assert.False(string.IsNullOrWhiteSpace(CodeVersion.Current));
    }
}
