namespace MesaLab.Core.Tests;

using System.Diagnostics;
using System.Text;

/// <summary>Atomic writes under injected failures: the earlier file survives and no temporary file is left.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-atomic-").FullName;

    public void Dispose()
    {
        Unlock(dir);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_write_replaces_the_file_and_leaves_only_the_file()
    {
        string path = Path.Combine(dir, "report.html");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir));
    }

    [Fact]
    public void A_write_that_fails_midway_keeps_the_earlier_file_and_removes_its_temporary_file()
    {
        string path = Path.Combine(dir, "ckpt-000010.mlck");
        AtomicFile.WriteAllText(path, "the earlier checkpoint");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[300_000]);
            s.Flush();
            // Half-way through: the bytes went to a temporary file, the target still holds the earlier version.
            var temporary = Assert.Single(AtomicFile.TemporaryFiles(dir));
            Assert.Equal(300_000, new FileInfo(temporary).Length);
            Assert.Equal("the earlier checkpoint", File.ReadAllText(path));
            throw new InvalidOperationException("the network failed to serialize");
        }));
        Assert.Equal("the network failed to serialize", e.Message);
        Assert.Equal("the earlier checkpoint", File.ReadAllText(path));
        Assert.Empty(AtomicFile.TemporaryFiles(dir));
        Assert.Equal([path], Directory.GetFiles(dir));
    }

    [Fact]
    public void A_directory_that_cannot_be_written_fails_the_write_and_keeps_the_earlier_file()
    {
        string locked = Path.Combine(dir, "locked");
        string path = Path.Combine(locked, "plot.png");
        AtomicFile.WriteAllText(path, "the earlier plot");
        Lock(locked);
        try
        {
            Assert.ThrowsAny<Exception>(() => File.WriteAllText(Path.Combine(locked, "probe"), "x")); // the directory really is read-only
            var e = Assert.ThrowsAny<Exception>(() => AtomicFile.WriteAllText(path, "the new plot"));
            Assert.True(e is IOException or UnauthorizedAccessException, $"unexpected {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            Unlock(locked);
        }
        Assert.Equal("the earlier plot", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(locked));
    }

    [Fact]
    public void A_rename_that_fails_keeps_what_was_there_and_removes_the_temporary_file()
    {
        // The target is a directory holding a file: the data is written, then the rename over it fails.
        string target = Path.Combine(dir, "results");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "keep");
        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(target, "not a directory"));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "keep.txt")));
        Assert.Empty(AtomicFile.TemporaryFiles(dir));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void Temporary_files_of_killed_writers_are_deleted_and_those_of_running_writers_kept()
    {
        int dead = LocalProcessTests.ExitedProcessId();
        string Temp(string name, int pid) => Path.Combine(dir, $".{name}.{pid}.{Guid.NewGuid():N}.tmp");
        string abandoned = Temp("ckpt-000020.mlck", dead);
        string mine = Temp("ckpt-000030.mlck", Environment.ProcessId);
        string running = Temp("ckpt-000040.mlck", 1); // init is running
        string unrelated = Path.Combine(dir, ".notes.tmp");
        foreach (var f in new[] { abandoned, mine, running, unrelated }) File.WriteAllText(f, "partial");
        Assert.Equal(new[] { abandoned, mine, running }.Order(StringComparer.Ordinal), AtomicFile.TemporaryFiles(dir));
        Assert.Equal([abandoned], AtomicFile.DeleteAbandoned(dir));
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(mine) && File.Exists(running) && File.Exists(unrelated));
    }

    [Fact]
    public void Flushing_a_directory_reaches_the_file_system()
    {
        AtomicFile.FlushDirectory(dir);
        var e = Assert.Throws<IOException>(() => AtomicFile.FlushDirectory(Path.Combine(dir, "missing")));
        Assert.Contains("No such file or directory", e.Message);
    }

    // Root ignores permission bits, so for root the directory is made immutable (ext4, xfs, btrfs support it).
    private static void Lock(string directory)
    {
        if (Environment.UserName == "root") Run("chattr", "+i", directory);
        else File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
    }

    private static void Unlock(string directory)
    {
        if (!Directory.Exists(directory)) return;
        if (Environment.UserName == "root") Run("chattr", "-i", directory, check: false);
        else File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void Run(string file, string flag, string path, bool check = true)
    {
        using var p = Process.Start(new ProcessStartInfo(file, [flag, path]) { UseShellExecute = false, RedirectStandardError = true })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0)
            throw new InvalidOperationException($"cannot make {path} read-only for root with `{file} {flag}` ({err.Trim()}); the test needs a file system with immutable directories.");
    }
}
