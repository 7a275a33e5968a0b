namespace MesaLab.Core;

using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

/// <summary>
/// Writes a file a user keeps so that it is never seen half-written: a temporary file in the same directory,
/// flushed to disk, renamed over the target, then (on Unix) the directory flushed so the rename itself survives a
/// power cut. A failed write removes its temporary file and leaves any earlier version of the target as it was.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with whatever <paramref name="write"/> puts into the stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(f);
                f.Flush(flushToDisk: true);
            }
            TestPause.At(TestPause.FileWrite);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            try
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The write's own failure is the one to report; a temporary file that cannot be removed is found by TemporaryFiles.
            }
        }
        FlushDirectory(dir);
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The temporary files of writes that have not finished, in <paramref name="directory"/> (and below it when
    /// <paramref name="recursive"/>): a process killed while writing leaves one behind.
    /// </summary>
    public static IReadOnlyList<string> TemporaryFiles(string directory, bool recursive = false)
    {
        if (!Directory.Exists(directory)) return [];
        return Directory.EnumerateFiles(directory, ".*.tmp", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => TemporaryName().IsMatch(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Deletes the temporary files in <paramref name="directory"/> whose writer is no longer running on this machine
    /// (killed mid-write) and returns their paths. Call it only where no process on another machine writes, such as
    /// the checkpoint directory of a run this process holds.
    /// </summary>
    public static IReadOnlyList<string> DeleteAbandoned(string directory)
    {
        var deleted = new List<string>();
        foreach (var file in TemporaryFiles(directory))
        {
            var digits = TemporaryName().Match(Path.GetFileName(file)).Groups["pid"].ValueSpan;
            if (!int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || LocalProcess.IsRunning(pid)) continue;
            try
            {
                File.Delete(file);
                deleted.Add(file);
            }
            catch (FileNotFoundException)
            {
            }
        }
        return deleted;
    }

    [GeneratedRegex(@"^\..+\.(?<pid>[0-9]{1,10})\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryName();

    /// <summary>
    /// Makes the directory entries of <paramref name="directory"/> durable (fsync on the directory): a rename is only
    /// on disk once its directory is. Does nothing on Windows, where the file system orders this itself.
    /// </summary>
    internal static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Native.Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open directory '{directory}' to flush it: {Marshal.GetPInvokeErrorMessage(error)}.");
        }
        try
        {
            // EINVAL: the file system cannot sync directories (some network and FUSE file systems); nothing more to do there.
            if (Native.Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is int error && error != EINVAL)
                throw new IOException($"cannot flush directory '{directory}' to disk: {Marshal.GetPInvokeErrorMessage(error)}.");
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private const int EINVAL = 22;

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close")]
        public static partial int Close(int fd);
    }
}
